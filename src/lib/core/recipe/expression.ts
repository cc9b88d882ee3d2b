/**
 * A small arithmetic language for derived columns, read by our own recursive-descent parser: no eval, no Function,
 * no property lookups on objects (names resolve through Maps, so "constructor" or "__proto__" are just unknown).
 *
 *   derivation = [ column "=" ] expression ;           only a leading "name =" assigns
 *   expression = additive [ compare additive ] ;        comparisons yield 0/1 booleans and do not chain
 *   compare    = "<" | "<=" | ">" | ">=" | "==" | "!=" ;
 *   additive   = term { ( "+" | "-" ) term } ;
 *   term       = unary { ( "*" | "/" ) unary } ;
 *   unary      = ( "-" | "+" ) unary | power ;
 *   power      = primary [ "^" unary ] ;                right-associative: 2^3^2 = 2^9; -2^2 = -4; 2^-1 = 0.5
 *   primary    = number | call | column | "(" expression ")" ;
 *   call       = identifier "(" [ expression { "," expression } ] ")" ;
 *   column     = identifier | "`" { character other than "`" | "``" } "`" ;   "``" is a literal backtick
 *   identifier = ( letter | "_" ) { letter | digit | "_" } ;                  letters and digits of any script
 *   number     = ( digits [ "." [ digits ] ] | "." digits ) [ ( "e" | "E" ) [ "+" | "-" ] digits ] ;
 *
 * Functions: log (natural), exp, sqrt, abs, floor, ceil, round(x [, digits]) (half away from zero), min(a, b, …),
 * max(a, b, …), pow(a, b), clip(x, lo, hi), if(cond, a, b) (cond ≠ 0 picks a; only the picked branch is evaluated
 * for a row, so `if(d == 0, 0, n / d)` never divides by zero). Evaluation lives in expression-eval.ts.
 * Positions in messages are 1-based character positions.
 *
 * Limits: a formula is at most MAX_LENGTH characters and nests at most MAX_DEPTH levels (each "(", function call,
 * sign and "^" adds one). Chains of + - * / are loops, not recursion, so a sum of 5,000 terms is fine; the tree such
 * a chain builds is as deep as the chain is long, so whatever walks a tree (columnNodes, the evaluator) keeps its own
 * stack, never the call stack.
 */
import { EnclaveError } from '../errors.ts';

export type Node =
  | { type: 'number'; value: number; pos: number }
  | { type: 'column'; name: string; pos: number }
  | { type: 'neg'; arg: Node; pos: number }
  | { type: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Node; right: Node; pos: number }
  | { type: 'compare'; op: '<' | '<=' | '>' | '>=' | '==' | '!='; left: Node; right: Node; pos: number }
  | { type: 'call'; fn: string; args: Node[]; pos: number };

export interface Derivation {
  source: string;
  /** The leading "name =", if written. */
  name?: string;
  /** The source after any leading "name =". */
  expression: string;
  root: Node;
}

type Tok = { t: 'num'; v: number; pos: number; len: number } | { t: 'id' | 'quoted' | 'op'; v: string; pos: number; len: number } | { t: 'end'; pos: number; len: 0 };

const ARITY = new Map<string, [min: number, max: number, args: string]>([
  ['log', [1, 1, 'x']], ['exp', [1, 1, 'x']], ['sqrt', [1, 1, 'x']], ['abs', [1, 1, 'x']], ['floor', [1, 1, 'x']],
  ['ceil', [1, 1, 'x']], ['round', [1, 2, 'x, digits']], ['min', [2, Infinity, 'a, b, …']], ['max', [2, Infinity, 'a, b, …']],
  ['pow', [2, 2, 'a, b']], ['clip', [3, 3, 'x, lo, hi']], ['if', [3, 3, 'cond, a, b']],
]);
export const FUNCTIONS: readonly string[] = [...ARITY.keys()];

export const MAX_LENGTH = 10_000;
export const MAX_DEPTH = 200;
const HINTS: Record<string, string> = {
  ';': 'one expression only', '.': 'there is no property access', '[': 'there is no indexing', ']': 'there is no indexing',
  '"': 'there is no text; quote column names with backticks: `My column`', "'": 'there is no text; quote column names with backticks: `My column`',
  '{': 'there are no blocks', '}': 'there are no blocks', '=>': 'functions cannot be defined', '**': 'use ^ for powers',
  '!': 'use != to compare', '&': 'use if() for conditions', '|': 'use if() for conditions', '%': 'there is no remainder operator',
};
const TWO = new Set(['<=', '>=', '==', '!=', '=>', '**']);
const ONE = new Set(['+', '-', '*', '/', '^', '(', ')', ',', '<', '>', '=']);
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;

/** A formula as messages quote it: whole when short, else its start (a 10,000-character formula is not echoed whole). */
function quote(source: string): string {
  return source.length > 80 ? `${source.slice(0, 60)}…` : source;
}

export function fail(source: string, message: string, pos: number, detail: Record<string, unknown> = {}): never {
  throw new EnclaveError('invalid-expression', `Expression "${quote(source)}": ${message}`, { position: pos + 1, ...detail });
}

export const at = (source: string, pos: number) => `position ${pos + 1}${pos >= source.length ? ' (the end)' : ''}`;

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) { i++; continue; }
    NUMBER.lastIndex = IDENT.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num) { toks.push({ t: 'num', v: Number(num[0]), pos: i, len: num[0].length }); i += num[0].length; continue; }
    const id = IDENT.exec(src);
    if (id) { toks.push({ t: 'id', v: id[0], pos: i, len: id[0].length }); i += id[0].length; continue; }
    if (ch === '`') { i = quoted(src, i, toks); continue; }
    const two = src.slice(i, i + 2);
    if (TWO.has(two)) {
      if (HINTS[two]) fail(src, `unexpected "${two}" at ${at(src, i)} (${HINTS[two]})`, i);
      toks.push({ t: 'op', v: two, pos: i, len: 2 }); i += 2; continue;
    }
    if (ONE.has(ch)) { toks.push({ t: 'op', v: ch, pos: i, len: 1 }); i++; continue; }
    fail(src, `unexpected "${ch}" at ${at(src, i)}${HINTS[ch] ? ` (${HINTS[ch]})` : ''}`, i);
  }
  toks.push({ t: 'end', pos: src.length, len: 0 });
  return toks;
}

/** A backtick-quoted column name starting at `start`; returns the index after it. */
function quoted(src: string, start: number, toks: Tok[]): number {
  let name = '';
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] !== '`') { name += src[i]; continue; }
    if (src[i + 1] === '`') { name += '`'; i++; continue; }
    if (name === '') fail(src, `empty column name at ${at(src, start)}`, start);
    // A JavaScript template string looks like a quoted name; say so rather than look for a column "${x}".
    if (name.includes('${')) fail(src, `unexpected "\${" at ${at(src, start + 1 + name.indexOf('${'))} (there are no template strings)`, start);
    toks.push({ t: 'quoted', v: name, pos: start, len: i + 1 - start });
    return i + 1;
  }
  fail(src, `column name opened at ${at(src, start)} has no closing "\`"`, start);
}

/** Parse "name = expression" or a bare expression. Throws EnclaveError('invalid-expression') naming the position. */
export function parseDerivation(source: string): Derivation {
  if (source.length > MAX_LENGTH) fail(source, `longer than ${MAX_LENGTH} characters`, MAX_LENGTH, { limit: MAX_LENGTH });
  const toks = lex(source);
  let i = 0;
  let name: string | undefined;
  if ((toks[0].t === 'id' || toks[0].t === 'quoted') && toks[1].t === 'op' && toks[1].v === '=') (name = toks[0].v), (i = 2);
  const p = new Parser(source, toks, i);
  const root = p.expression(0);
  p.finish();
  const expression = source.slice(toks[i].pos).trim();
  return name === undefined ? { source, expression, root } : { source, name, expression, root };
}

class Parser {
  constructor(private src: string, private toks: Tok[], private i: number) {}

  private peek(): Tok { return this.toks[this.i]; }
  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t.t === 'op' && ops.includes(t.v);
  }
  private found(t: Tok): string {
    return t.t === 'end' ? 'the end' : `"${this.src.slice(t.pos, t.pos + t.len)}"`;
  }
  private expect(op: string): void {
    const t = this.peek();
    if (!this.isOp(op)) fail(this.src, `expected "${op}" at ${at(this.src, t.pos)}, found ${this.found(t)}`, t.pos, { expected: op });
    this.i++;
  }

  finish(): void {
    const t = this.peek();
    if (t.t === 'end') return;
    let hint = '';
    if (t.t === 'op' && t.v === '=') hint = ' (only a leading "name =" assigns; compare with ==)';
    else if (t.t === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.v)) hint = ' (comparisons do not chain)';
    fail(this.src, `expected an operator or the end at ${at(this.src, t.pos)}, found ${this.found(t)}${hint}`, t.pos);
  }

  /** Each nesting level costs a few call frames here; refusing past MAX_DEPTH keeps the parser far from the stack's end. */
  private deep(depth: number): void {
    const pos = this.peek().pos;
    if (depth > MAX_DEPTH) fail(this.src, `the formula nests deeper than ${MAX_DEPTH} levels at ${at(this.src, pos)} (each "(", function call, sign and "^" adds one)`, pos, { limit: MAX_DEPTH });
  }

  expression(depth: number): Node {
    this.deep(depth);
    const left = this.additive(depth);
    if (!this.isOp('<', '<=', '>', '>=', '==', '!=')) return left;
    const t = this.toks[this.i++] as { v: '<'; pos: number };
    return { type: 'compare', op: t.v, left, right: this.additive(depth), pos: t.pos };
  }

  private additive(depth: number): Node {
    return this.leftToRight(['+', '-'], () => this.term(depth));
  }

  private term(depth: number): Node {
    return this.leftToRight(['*', '/'], () => this.unary(depth));
  }

  /** Operands from `operand` joined by any of `ops`, grouped from the left (a - b - c is (a - b) - c), in a loop. */
  private leftToRight(ops: ('+' | '-' | '*' | '/')[], operand: () => Node): Node {
    let left = operand();
    while (this.isOp(...ops)) {
      const t = this.toks[this.i++] as { v: '+' | '-' | '*' | '/'; pos: number };
      left = { type: 'binary', op: t.v, left, right: operand(), pos: t.pos };
    }
    return left;
  }

  private unary(depth: number): Node {
    this.deep(depth);
    if (this.isOp('-', '+')) {
      const t = this.toks[this.i++];
      const arg = this.unary(depth + 1);
      return t.t === 'op' && t.v === '-' ? { type: 'neg', arg, pos: t.pos } : arg;
    }
    const base = this.primary(depth);
    if (!this.isOp('^')) return base;
    const pos = this.toks[this.i++].pos;
    return { type: 'binary', op: '^', left: base, right: this.unary(depth + 1), pos };
  }

  private primary(depth: number): Node {
    const t = this.peek();
    if (t.t === 'num') return this.i++, { type: 'number', value: t.v, pos: t.pos };
    if (t.t === 'quoted') return this.i++, { type: 'column', name: t.v, pos: t.pos };
    if (t.t === 'id') {
      this.i++;
      if (!this.isOp('(')) return { type: 'column', name: t.v, pos: t.pos };
      return this.call(t.v, t.pos, depth);
    }
    if (this.isOp('(')) {
      this.i++;
      const inner = this.expression(depth + 1);
      this.expect(')');
      return inner;
    }
    return fail(this.src, `expected a number, a column, a function or "(" at ${at(this.src, t.pos)}, found ${this.found(t)}`, t.pos);
  }

  private call(fn: string, pos: number, depth: number): Node {
    const arity = ARITY.get(fn);
    if (!arity) fail(this.src, `unknown function "${fn}" at ${at(this.src, pos)} (known: ${FUNCTIONS.join(', ')})`, pos, { function: fn });
    this.i++; // "("
    const args: Node[] = [];
    if (!this.isOp(')')) {
      args.push(this.expression(depth + 1));
      while (this.isOp(',')) this.i++, args.push(this.expression(depth + 1));
    }
    const close = this.peek();
    if (!this.isOp(')')) fail(this.src, `expected "," or ")" at ${at(this.src, close.pos)}, found ${this.found(close)}`, close.pos, { expected: ')' });
    this.i++;
    const [min, max, names] = arity;
    if (args.length < min || args.length > max)
      fail(this.src, `function "${fn}" takes ${min === max ? min : max === Infinity ? `${min} or more` : `${min} or ${max}`} arguments (${names}), got ${args.length}, at ${at(this.src, pos)}`, pos);
    return { type: 'call', fn, args, pos };
  }
}

/** A node's operands, left to right. */
export function children(n: Node): readonly Node[] {
  switch (n.type) {
    case 'neg': return [n.arg];
    case 'binary': case 'compare': return [n.left, n.right];
    case 'call': return n.args;
    default: return [];
  }
}

export type ColumnNode = Extract<Node, { type: 'column' }>;

/** Column nodes in reading order (left to right), found with an explicit stack: a long chain is a deep tree. */
export function columnNodes(root: Node): ColumnNode[] {
  const out: ColumnNode[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'column') out.push(n);
    const kids = children(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/** Column names an expression reads, in order of first use. */
export function referencedColumns(root: Node): string[] {
  return [...new Set(columnNodes(root).map((n) => n.name))];
}

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
 * for a row, so `if(d == 0, 0, n / d)` never divides by zero).
 * Evaluation is vectorised, one pass per node. A missing input makes the cell missing. Division by zero and other
 * non-finite results (log(0), sqrt(-1), overflow) make the cell missing and are counted for the caller to report.
 * Positions in messages are 1-based character positions.
 */
import { EnclaveError } from '../errors.ts';
import type { Table } from '../table.ts';

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

const MAX_LENGTH = 10_000;
const MAX_DEPTH = 200;
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

function fail(source: string, message: string, pos: number, detail: Record<string, unknown> = {}): never {
  throw new EnclaveError('invalid-expression', `Expression "${source}": ${message}`, { position: pos + 1, ...detail });
}

const at = (source: string, pos: number) => `position ${pos + 1}${pos >= source.length ? ' (the end)' : ''}`;

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
  if (source.length > MAX_LENGTH) fail(source.slice(0, 40) + '…', `longer than ${MAX_LENGTH} characters`, MAX_LENGTH);
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

  expression(depth: number): Node {
    if (depth > MAX_DEPTH) fail(this.src, `nested more than ${MAX_DEPTH} deep at ${at(this.src, this.peek().pos)}`, this.peek().pos);
    const left = this.additive(depth);
    if (!this.isOp('<', '<=', '>', '>=', '==', '!=')) return left;
    const t = this.toks[this.i++] as { v: '<'; pos: number };
    return { type: 'compare', op: t.v, left, right: this.additive(depth), pos: t.pos };
  }

  private additive(depth: number): Node {
    let left = this.term(depth);
    while (this.isOp('+', '-')) {
      const t = this.toks[this.i++] as { v: '+'; pos: number };
      left = { type: 'binary', op: t.v, left, right: this.term(depth), pos: t.pos };
    }
    return left;
  }

  private term(depth: number): Node {
    let left = this.unary(depth);
    while (this.isOp('*', '/')) {
      const t = this.toks[this.i++] as { v: '*'; pos: number };
      left = { type: 'binary', op: t.v, left, right: this.unary(depth), pos: t.pos };
    }
    return left;
  }

  private unary(depth: number): Node {
    if (depth > MAX_DEPTH) fail(this.src, `nested more than ${MAX_DEPTH} deep at ${at(this.src, this.peek().pos)}`, this.peek().pos);
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

/** Column names an expression reads, in order of first use. */
export function referencedColumns(root: Node): string[] {
  const out = new Set<string>();
  const walk = (n: Node): void => {
    if (n.type === 'column') out.add(n.name);
    else if (n.type === 'neg') walk(n.arg);
    else if (n.type === 'binary' || n.type === 'compare') (walk(n.left), walk(n.right));
    else if (n.type === 'call') n.args.forEach(walk);
  };
  walk(root);
  return [...out];
}

/** A vector: values where valid[i] = 1; `bool` when every value is 0/1 by construction (comparisons, boolean columns). */
interface Vec { values: Float64Array; valid: Uint8Array; bool: boolean }

export interface Evaluation {
  values: Float64Array;
  valid: Uint8Array;
  type: 'float' | 'boolean';
  /** Rows that divided by zero (with every input present), and the first of them (-1 if none). */
  divisionByZero: number;
  firstDivisionRow: number;
  /** Other rows made missing by a non-finite result: log(0), sqrt(-1), overflow. */
  nonFinite: number;
}

/**
 * Evaluate over the table's columns. Columns must exist and be numeric (integer, float, boolean as 0/1, datetime as
 * milliseconds); otherwise an error naming the column and its position.
 */
export function evaluateDerivation(d: Derivation, table: Table): Evaluation {
  const n = table.rowCount;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const cols = new Map<string, Vec>();
  const bind = (node: Node): void => {
    if (node.type === 'neg') return bind(node.arg);
    if (node.type === 'binary' || node.type === 'compare') return (bind(node.left), bind(node.right));
    if (node.type === 'call') return node.args.forEach(bind);
    if (node.type !== 'column' || cols.has(node.name)) return;
    const c = byName.get(node.name);
    if (!c) {
      const names = table.columns.map((x) => x.name);
      fail(d.source, `unknown column "${node.name}" at ${at(d.source, node.pos)} (columns: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''})`, node.pos, { column: node.name });
    }
    if (c.kind === 'string') fail(d.source, `column "${node.name}" at ${at(d.source, node.pos)} is ${c.type}; expressions work on numeric, boolean and date columns`, node.pos, { column: node.name });
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = c.valid[i] && Number.isFinite(c.values[i]) ? 1 : 0;
    cols.set(node.name, { values: c.values, valid, bool: c.type === 'boolean' });
  };
  bind(d.root);
  const stats: Stats = { div: new Uint8Array(n), bad: new Uint8Array(n) };
  const out = evalNode(d.root, new Uint8Array(n).fill(1), cols, stats);
  let divisionByZero = 0, firstDivisionRow = -1, nonFinite = 0;
  for (let i = 0; i < n; i++) {
    if (stats.div[i]) {
      if (divisionByZero++ === 0) firstDivisionRow = i;
    } else if (stats.bad[i]) nonFinite++;
  }
  return { values: out.values, valid: out.valid, type: out.bool ? 'boolean' : 'float', divisionByZero, firstDivisionRow, nonFinite };
}

/** Per row: a division by zero happened (div), another non-finite result happened (bad). */
type Stats = { div: Uint8Array; bad: Uint8Array };

/** Evaluate `node` on the rows where active[i] = 1 (other rows come back missing). */
function evalNode(node: Node, active: Uint8Array, cols: Map<string, Vec>, stats: Stats): Vec {
  const n = active.length;
  switch (node.type) {
    case 'number': return { values: new Float64Array(n).fill(node.value), valid: active, bool: false };
    case 'column': return cols.get(node.name)!;
    case 'neg': return map([evalNode(node.arg, active, cols, stats)], active, stats, false, (x) => -x);
    case 'compare': {
      const args = [node.left, node.right].map((a) => evalNode(a, active, cols, stats));
      return map(args, active, stats, true, COMPARE[node.op]);
    }
    case 'binary': {
      const args = [node.left, node.right].map((a) => evalNode(a, active, cols, stats));
      return node.op === '/' ? divide(args[0], args[1], active, stats) : map(args, active, stats, false, ARITH[node.op]);
    }
    case 'call': {
      if (node.fn === 'if') return evalIf(node.args, active, cols, stats);
      const args = node.args.map((a) => evalNode(a, active, cols, stats));
      if (node.fn === 'min' || node.fn === 'max') {
        const f = node.fn === 'min' ? Math.min : Math.max;
        return args.slice(1).reduce((acc, b) => map([acc, b], active, stats, acc.bool && b.bool, (x, y) => f(x, y)), args[0]);
      }
      if (node.fn === 'round' && args.length === 2) return map(args, active, stats, false, (x, d) => round(x, Math.trunc(d)));
      return map(args, active, stats, false, FN.get(node.fn)!);
    }
  }
}

/** if(cond, a, b): each branch is evaluated only on the rows that take it. */
function evalIf(nodes: Node[], active: Uint8Array, cols: Map<string, Vec>, stats: Stats): Vec {
  const cond = evalNode(nodes[0], active, cols, stats);
  const n = active.length;
  const yes = new Uint8Array(n), no = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (active[i] && cond.valid[i]) (cond.values[i] !== 0 ? yes : no)[i] = 1;
  const a = evalNode(nodes[1], yes, cols, stats), b = evalNode(nodes[2], no, cols, stats);
  const values = new Float64Array(n), valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const from = yes[i] ? a : no[i] ? b : null;
    if (from && from.valid[i]) (values[i] = from.values[i]), (valid[i] = 1);
  }
  return { values, valid, bool: a.bool && b.bool };
}

/** One pass: out[i] = f(a[i], b[i], c[i]) on active rows whose inputs are all present; a non-finite result is missing. */
function map(args: Vec[], active: Uint8Array, stats: Stats, bool: boolean, f: (a: number, b: number, c: number) => number): Vec {
  const n = active.length;
  const values = new Float64Array(n), valid = new Uint8Array(n);
  const [a, b, c] = args;
  for (let i = 0; i < n; i++) {
    if (!active[i] || !a.valid[i] || (b && !b.valid[i]) || (c && !c.valid[i])) continue;
    const r = f(a.values[i], b ? b.values[i] : 0, c ? c.values[i] : 0);
    if (Number.isFinite(r)) (values[i] = r), (valid[i] = 1);
    else stats.bad[i] = 1;
  }
  return { values, valid, bool };
}

/** a / b, counting divisions by zero (and the first row) apart from other non-finite results. */
function divide(a: Vec, b: Vec, active: Uint8Array, stats: Stats): Vec {
  const n = active.length;
  const values = new Float64Array(n), valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!active[i] || !a.valid[i] || !b.valid[i]) continue;
    if (b.values[i] === 0) {
      stats.div[i] = 1;
      continue;
    }
    const r = a.values[i] / b.values[i];
    if (Number.isFinite(r)) (values[i] = r), (valid[i] = 1);
    else stats.bad[i] = 1;
  }
  return { values, valid, bool: false };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * f)) / f + 0;
}

const ARITH: Record<'+' | '-' | '*' | '^', (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '^': (a, b) => a ** b,
};
const COMPARE: Record<'<' | '<=' | '>' | '>=' | '==' | '!=', (a: number, b: number) => number> = {
  '<': (a, b) => +(a < b), '<=': (a, b) => +(a <= b), '>': (a, b) => +(a > b), '>=': (a, b) => +(a >= b), '==': (a, b) => +(a === b), '!=': (a, b) => +(a !== b),
};
const FN = new Map<string, (a: number, b: number, c: number) => number>([
  ['log', Math.log], ['exp', Math.exp], ['sqrt', Math.sqrt], ['abs', Math.abs], ['floor', Math.floor], ['ceil', Math.ceil],
  ['round', (x) => round(x, 0)], ['pow', (a, b) => a ** b], ['clip', (x, lo, hi) => Math.min(hi, Math.max(lo, x))],
]);

/**
 * Evaluation of a parsed formula (expression.ts) over a table's columns. Vectorised, one pass per node. A missing
 * input makes the cell missing. Division by zero and other non-finite results (log(0), sqrt(-1), overflow) make the
 * cell missing and are counted for the caller to report.
 * The tree is walked with an explicit stack, not recursion: a 5,000-term sum is a left-deep tree 5,000 nodes deep,
 * which would exhaust the call stack (the "Maximum call stack size exceeded" on a 2,000-term x+x+…).
 */
import type { Table } from '../table.ts';
import { at, children, columnNodes, fail, type Derivation, type Node } from './expression.ts';

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
 * milliseconds); otherwise an error naming the first such column (in reading order) and its position.
 */
export function evaluateDerivation(d: Derivation, table: Table): Evaluation {
  const n = table.rowCount;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const cols = new Map<string, Vec>();
  for (const node of columnNodes(d.root)) {
    if (cols.has(node.name)) continue;
    const c = byName.get(node.name);
    if (!c) {
      const names = table.columns.map((x) => x.name);
      fail(d.source, `unknown column "${node.name}" at ${at(d.source, node.pos)} (columns: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''})`, node.pos, { column: node.name });
    }
    if (c.kind === 'string') fail(d.source, `column "${node.name}" at ${at(d.source, node.pos)} is ${c.type}; expressions work on numeric, boolean and date columns`, node.pos, { column: node.name });
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = c.valid[i] && Number.isFinite(c.values[i]) ? 1 : 0;
    cols.set(node.name, { values: c.values, valid, bool: c.type === 'boolean' });
  }
  const stats: Stats = { div: new Uint8Array(n), bad: new Uint8Array(n) };
  const out = evalTree(d.root, new Uint8Array(n).fill(1), cols, stats);
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

/**
 * A node waiting for its operands: `args` are the values of the operands evaluated so far (left to right); `masks`
 * are the rows taking each branch of an if(), known once its condition is evaluated.
 */
interface Frame { node: Node; active: Uint8Array; args: Vec[]; masks?: { yes: Uint8Array; no: Uint8Array } }

/**
 * Post-order evaluation of `root` on the rows where active[i] = 1 (other rows come back missing): a node's operands
 * are evaluated left to right, then the node. An if()'s branches are evaluated only on the rows that take them.
 */
function evalTree(root: Node, active: Uint8Array, cols: Map<string, Vec>, stats: Stats): Vec {
  const stack: Frame[] = [{ node: root, active, args: [] }];
  let result: Vec | undefined;
  while (stack.length) {
    const f = stack[stack.length - 1];
    const kids = children(f.node);
    const k = f.args.length;
    if (k < kids.length) {
      stack.push({ node: kids[k], active: branchRows(f, k), args: [] });
      continue;
    }
    stack.pop();
    const v = combine(f, cols, stats);
    if (stack.length) stack[stack.length - 1].args.push(v);
    else result = v;
  }
  return result!;
}

/** The rows operand k of frame f is evaluated on: all of f's rows, except for the branches of if(). */
function branchRows(f: Frame, k: number): Uint8Array {
  if (f.node.type !== 'call' || f.node.fn !== 'if' || k === 0) return f.active;
  if (!f.masks) {
    const cond = f.args[0], n = f.active.length;
    const yes = new Uint8Array(n), no = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (f.active[i] && cond.valid[i]) (cond.values[i] !== 0 ? yes : no)[i] = 1;
    f.masks = { yes, no };
  }
  return k === 1 ? f.masks.yes : f.masks.no;
}

/** A node's value from its operands' values (f.args, in order). */
function combine(f: Frame, cols: Map<string, Vec>, stats: Stats): Vec {
  const { node, active, args } = f;
  const n = active.length;
  switch (node.type) {
    case 'number': return { values: new Float64Array(n).fill(node.value), valid: active, bool: false };
    case 'column': return cols.get(node.name)!;
    case 'neg': return map(args, active, stats, false, (x) => -x);
    case 'compare': return map(args, active, stats, true, COMPARE[node.op]);
    case 'binary': return node.op === '/' ? divide(args[0], args[1], active, stats) : map(args, active, stats, false, ARITH[node.op]);
    case 'call': {
      if (node.fn === 'if') return pick(args, f.masks!);
      if (node.fn === 'min' || node.fn === 'max') {
        const m = node.fn === 'min' ? Math.min : Math.max;
        return args.slice(1).reduce((acc, b) => map([acc, b], active, stats, acc.bool && b.bool, (x, y) => m(x, y)), args[0]);
      }
      if (node.fn === 'round' && args.length === 2) return map(args, active, stats, false, (x, d) => round(x, Math.trunc(d)));
      return map(args, active, stats, false, FN.get(node.fn)!);
    }
  }
}

/** if(cond, a, b): a on the rows whose condition held, b on the others, missing where the condition is. */
function pick([, a, b]: Vec[], { yes, no }: { yes: Uint8Array; no: Uint8Array }): Vec {
  const n = yes.length;
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

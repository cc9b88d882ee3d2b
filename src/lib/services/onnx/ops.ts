/**
 * The recipe's columns while the graph is built (name → tensor of shape [N, 1]), and the few patterns every step
 * mapping uses. Numeric columns are float64 with NaN for a missing cell (the studio's Table is float64 too, so the
 * recipe's arithmetic replays to the bit); categorical columns are strings with "" for a missing cell.
 */
import { EnclaveError } from '../../core/errors.ts';
import type { ColumnType } from '../../core/table.ts';
import { DT, type Graph } from './graph.ts';

export interface OnnxColumn {
  value: string;
  kind: 'numeric' | 'string';
  type: ColumnType;
}

/** Column name → its tensor. Keys come from data, so a Map. */
export type Columns = Map<string, OnnxColumn>;

/** What a step mapping gets: the graph, the columns so far (to change in place), and the step's words for messages. */
export interface StepInput<P = unknown, S = unknown> {
  g: Graph;
  columns: Columns;
  params: P;
  state: S;
  /** "Step 3 (scale)". */
  label: string;
  index: number;
  kind: string;
  target?: string;
}

export function unsupported(what: string, why: string, detail: Record<string, unknown> = {}): EnclaveError {
  return new EnclaveError('invalid-argument', `ONNX export does not support ${what} yet: ${why}`, detail);
}

/** The named column, or an error naming the step and the column; the target (absent at prediction) gives undefined. */
export function columnAt(s: StepInput, name: string): OnnxColumn | undefined {
  const c = s.columns.get(name);
  if (c || name === s.target) return c;
  throw new EnclaveError('invalid-argument', `${s.label}: the fitted recipe works on column "${name}", which the source rows do not have by then.`, { step: s.index, kind: s.kind, column: name });
}

export function requireKind(s: StepInput, name: string, c: OnnxColumn, kind: 'numeric' | 'string'): void {
  if (c.kind !== kind) throw new EnclaveError('invalid-argument', `${s.label}: column "${name}" is ${c.type} in the source rows, but the step was fitted on a ${kind === 'numeric' ? 'numeric' : 'text'} column.`, { step: s.index, kind: s.kind, column: name });
}

/** true where x is NaN or ±Infinity (x − x is NaN exactly then): the studio's "missing or not finite". */
export function notFinite(g: Graph, x: string): string {
  return g.op('IsNaN', [g.op('Sub', [x, x])]);
}

/** NaN where x is not finite: what the studio does with a result that is ±Infinity. */
export function finiteOrNaN(g: Graph, x: string): string {
  return g.op('Where', [notFinite(g, x), g.double(NaN), x]);
}

/** true where a string cell is missing (""). */
export function missingText(g: Graph, x: string): string {
  return g.op('Equal', [x, g.strings([''])]);
}

/** true where a cell is missing, for either kind. */
export function missing(g: Graph, c: OnnxColumn): string {
  return c.kind === 'string' ? missingText(g, c.value) : g.op('IsNaN', [c.value]);
}

/** A bool tensor as float64 0/1. */
export function asDouble(g: Graph, b: string): string {
  return g.op('Cast', [b], { to: DT.DOUBLE });
}

/** [N, k] → k tensors of [N, 1]. */
export function splitColumns(g: Graph, block: string, k: number): string[] {
  if (k === 1) return [block];
  return g.opN('Split', [block, g.int64(new Array(k).fill(1), [k])], k, { axis: 1 });
}

/**
 * [N, k] bool: whether each row's category is each of `categories` (text, or for a boolean column "false"/"true",
 * stored as 0/1). A missing cell matches nothing (NaN equals nothing; "" is no category).
 */
export function categoryMatches(g: Graph, c: OnnxColumn, categories: string[]): string {
  const k = categories.length;
  if (c.kind === 'string') return g.op('Equal', [c.value, g.strings(categories, [1, k])]);
  return g.op('Equal', [c.value, g.double(categories.map((t) => (t === 'true' ? 1 : t === 'false' ? 0 : NaN)), [1, k])]);
}

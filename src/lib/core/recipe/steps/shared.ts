/**
 * Helpers shared by the step kinds: parameter parsing with messages naming the step, the selector schema, notes
 * (things a person should know that are not errors: "3 cells could not become integer"), and the order statistics
 * scikit-learn uses (numpy's linear percentile and median), so fitted numbers match it exactly.
 */
import * as v from 'valibot';
import { sortFloat64 } from '../../profile/sort.ts';
import type { Column, NumericColumn } from '../../table.ts';
import { stepError, stepLabel, type Accept } from '../select.ts';
import type { ColumnSelector, StepContext, StepSpec } from '../types.ts';

/** A StepContext that may also collect notes (fitRecipe/applyRecipe pass one; a bare StepContext drops them). */
export interface RunContext extends StepContext {
  note?: (message: string) => void;
}

export function note(ctx: StepContext, kind: string, message: string): void {
  (ctx as RunContext).note?.(`${stepLabel(ctx, kind)}: ${message}`);
}

const WILDCARDS = ['*', '*numeric', '*categorical', '*datetime'] as const;

/** A list of names, one name, or a wildcard. A lone string starting with "*" must be a known wildcard. */
export const selectorSchema = v.union(
  [
    v.pipe(v.array(v.string()), v.minLength(1)),
    v.picklist(WILDCARDS),
    v.pipe(v.string(), v.minLength(1), v.check((s) => !s.startsWith('*')), v.transform((s) => [s])),
  ],
  `expected a list of column names or one of ${WILDCARDS.map((w) => `"${w}"`).join(', ')}`,
) as v.GenericSchema<unknown, ColumnSelector>;

/** Validate a step's parameters (everything but `kind`); unknown parameters are errors, so typos do not pass. */
export function parseParams<T>(schema: v.GenericSchema<unknown, T>, spec: StepSpec, ctx: StepContext, kind: string): T {
  const { kind: _kind, ...params } = spec;
  const result = v.safeParse(schema, params);
  if (result.success) return result.output;
  // An unknown key first: a typo ("colums") also makes the real key look missing.
  const issue = result.issues.find((i) => i.type === 'strict_object' && i.expected === 'never') ?? result.issues[0];
  const path = v.getDotPath(issue) ?? '';
  let message: string;
  if (issue.type === 'strict_object' && issue.expected === 'never') message = `unknown parameter "${path}"`;
  else if (issue.received === 'undefined') message = `parameter "${path}" is required`;
  else if (issue.type === 'union' || issue.kind === 'validation') message = `${path ? `${path}: ` : ''}${issue.message.replace(/^Invalid \w+: /, '')}`;
  else message = `${path ? `${path}: ` : ''}expected ${issue.expected}, got ${issue.received}`;
  throw stepError(ctx, kind, message, { parameter: path });
}

/** A selector shown to people: "age, income" or "all numeric columns". */
export function showSelector(s: ColumnSelector): string {
  if (Array.isArray(s)) return s.join(', ');
  return { '*': 'all columns', '*numeric': 'all numeric columns', '*categorical': 'all categorical columns', '*datetime': 'all date columns' }[s];
}

/** Present, finite values of a numeric column, sorted ascending (NaN flagged present counts as missing). */
export function sortedValues(col: NumericColumn): Float64Array {
  return sortFloat64(presentValues(col));
}

export function presentValues(col: NumericColumn): Float64Array {
  const { values, valid } = col;
  let n = 0;
  for (let i = 0; i < values.length; i++) if (valid[i] && Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i++) if (valid[i] && Number.isFinite(values[i])) out[j++] = values[i];
  return out;
}

/** numpy.percentile(a, q) with the default 'linear' method, q in [0, 100]; `sorted` non-empty and ascending. */
export function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const index = (n - 1) * (q / 100);
  if (index >= n - 1) return sorted[n - 1];
  if (index <= 0) return sorted[0];
  const lo = Math.floor(index);
  const a = sorted[lo], b = sorted[lo + 1], t = index - lo;
  // numpy's _lerp: the formula switches at t = 0.5 so that both ends are exact.
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy.median: the middle value, or the mean of the two middle values. */
export function median(sorted: Float64Array): number {
  const n = sorted.length, h = n >> 1;
  return n % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Sum in row order, then divide: what numpy does down the rows of a 2-D array (sklearn's column means). */
export function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/**
 * Population standard deviation (ddof 0) as StandardScaler computes it: two passes with the rounding correction
 * (Σ(x-m)² - (Σ(x-m))²/n) / n.
 */
export function std(values: Float64Array, m = mean(values)): number {
  let sq = 0, d = 0;
  for (let i = 0; i < values.length; i++) {
    const t = values[i] - m;
    d += t;
    sq += t * t;
  }
  return Math.sqrt(Math.max(0, sq - (d * d) / values.length) / values.length);
}

/** Strings in code-point order (as Python and numpy sort them), not UTF-16 order. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** At apply time the column must still be of a type the step works on (a new batch may differ from training). */
export function checkType(col: Column, accept: Accept, ctx: StepContext, kind: string): void {
  if (!accept.test(col)) throw stepError(ctx, kind, `column "${col.name}" is ${col.type}; ${kind} works on ${accept.what}.`, { column: col.name });
}

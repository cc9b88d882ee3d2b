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

/**
 * The first and last of the sorted present, finite values (sortedValues(col)[0] and [n - 1], -0 before 0 as a sort
 * puts them) in one pass, without the sort.
 */
export function sortedEnds(col: NumericColumn): { n: number; min: number; max: number } {
  const { values, valid } = col;
  let n = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!valid[i] || v - v !== 0) continue; // v - v is NaN for NaN and ±Infinity
    n++;
    if (v <= min && (v < min || (v === 0 && 1 / v < 0))) min = v;
    if (v >= max && (v > max || (v === 0 && 1 / v > 0))) max = v;
  }
  return { n, min, max };
}

/**
 * median(sorted) of the values of `a` (finite, non-empty) without sorting them: a selection (Floyd–Rivest, as
 * mourner/quickselect) that reorders `a` in place. The same number to the bit, sign of a zero included.
 */
export function medianOf(a: Float64Array): number {
  const n = a.length, h = n >> 1;
  select(a, h, 0, n - 1);
  const upper = signedAt(a, h, a[h]);
  if (n % 2) return upper;
  // a[0..h) now holds the h smallest values: the largest of them is sorted[h - 1].
  let lower = a[0];
  for (let i = 1; i < h; i++) if (a[i] > lower) lower = a[i];
  return (signedAt(a, h - 1, lower) + upper) / 2;
}

/** sorted[k], given that it equals x: a zero gets the sign a sort would give it (every -0 sorts before every 0). */
function signedAt(a: Float64Array, k: number, x: number): number {
  if (x !== 0) return x;
  let before = 0;
  for (let i = 0; i < a.length; i++) if (a[i] < 0 || (a[i] === 0 && 1 / a[i] < 0)) before++;
  return k < before ? -0 : 0;
}

/** Reorders a[left..right] so that a[k] is the value a sort would put there, smaller ones before it, larger after. */
function select(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1, m = k - left + 1;
      const z = Math.log(n), s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      select(a, k, Math.max(left, Math.floor(k - (m * s) / n + sd)), Math.min(right, Math.floor(k + ((n - m) * s) / n + sd)));
    }
    const t = a[k];
    let i = left, j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
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
/**
 * mean() and std() over a column's present finite values in row order, read in place: the very sums of
 * mean(presentValues(col)), without the copy (at 3M rows, 24 MB made and read for each numeric column a step fits).
 */
export function presentMean(col: NumericColumn): number {
  const { values, valid } = col;
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!valid[i] || x - x !== 0) continue;
    s += x;
    n++;
  }
  return s / n;
}

export function presentStd(col: NumericColumn, m: number): number {
  const { values, valid } = col;
  let sq = 0, d = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!valid[i] || x - x !== 0) continue;
    const t = x - m;
    d += t;
    sq += t * t;
    n++;
  }
  return Math.sqrt(Math.max(0, sq - (d * d) / n) / n);
}

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

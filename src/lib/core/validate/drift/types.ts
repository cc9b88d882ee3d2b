/**
 * Shared shapes of the drift comparators. Every comparator takes two samples (reference, current) and returns a
 * DriftResult, plain JSON: a statistic that is undefined (an empty sample) or infinite (a category the reference never
 * saw, in chi-square) is `null`, never NaN or Infinity. Missing values (null, undefined, NaN) and infinities are dropped
 * first, as Evidently drops them; `referenceSize` and `currentSize` count what is left.
 */
import { sortFloat64 } from '../../profile/sort.ts';

export type DriftTestName = 'psi' | 'ks' | 'chisquare' | 'z' | 'jensenshannon' | 'linf' | 'wasserstein';

export interface DriftResult {
  test: DriftTestName;
  statistic: number | null;
  /** For the hypothesis tests (ks, chisquare, z); null for the distances. */
  pValue: number | null;
  /** p-value tests drift when p < threshold; distances when statistic ≥ threshold (as Evidently). */
  threshold: number;
  drifted: boolean;
  referenceSize: number;
  currentSize: number;
  /** Logarithm base of a log-based statistic (psi, jensenshannon). */
  logBase?: 'e' | 2;
}

export type Value = string | number | boolean | null | undefined;
/** A column's values: numbers (a typed array or a number[]) or labels. */
export type Sample = ArrayLike<number> | readonly Value[];

/** How a comparator that takes both kinds reads its sample: by value (categorical) or by binning (numeric). */
export type SampleKind = 'numeric' | 'categorical';

/** Missing: null, undefined, NaN — and ±Infinity, which Evidently turns into NaN and drops as well. */
function isMissing(v: Value): boolean {
  return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));
}

/** Present values as ascending doubles (booleans as 0/1; strings that are not numbers are dropped). */
export function numericSample(s: Sample): Float64Array {
  const n = s.length;
  const out = new Float64Array(n);
  let k = 0;
  if (ArrayBuffer.isView(s)) {
    const xs = s as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      if (x - x === 0) out[k++] = x; // finite (x - x is NaN for NaN and ±Infinity)
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = s[i] as Value;
      if (isMissing(v)) continue;
      const x = typeof v === 'number' ? v : typeof v === 'boolean' ? +v : String(v).trim() === '' ? NaN : Number(v);
      if (Number.isFinite(x)) out[k++] = x;
    }
  }
  return sortFloat64(k === n ? out : out.slice(0, k));
}

/** Whether an ascending sample holds more than `limit` distinct values. */
export function distinctAbove(sorted: Float64Array, limit: number): boolean {
  if (sorted.length === 0) return false;
  let k = 1;
  for (let i = 1; i < sorted.length && k <= limit; i++) if (sorted[i] !== sorted[i - 1]) k++;
  return k > limit;
}

/**
 * A sample as the comparators read it, each reading worked out on first use and kept, so that a reference compared
 * with several samples is sorted and counted once. `viewOf` wraps a plain sample; the drift report builds views
 * straight from columns (columns.ts), where counting by dictionary code or by value is cheaper than copying.
 */
export interface SampleView {
  readonly isSampleView: true;
  /** numericSample: present values as ascending doubles. */
  sorted(): Float64Array;
  /** countValues: the count of each present value. */
  counts(): Map<string | number, number>;
  /** isNumericSample: every present value is a number. */
  numeric(): boolean;
  /** Whether sorted() holds more than `limit` distinct values. */
  distinctAbove(limit: number): boolean;
}

/** What a comparator takes: a sample, or a view of one. */
export type SampleInput = Sample | SampleView;

class ArrayView implements SampleView {
  readonly isSampleView = true as const;
  private sortedValues?: Float64Array;
  private valueCounts?: Map<string | number, number>;
  private allNumbers?: boolean;
  constructor(private readonly sample: Sample) {}
  sorted(): Float64Array {
    return (this.sortedValues ??= numericSample(this.sample));
  }
  counts(): Map<string | number, number> {
    return (this.valueCounts ??= countValues(this.sample));
  }
  numeric(): boolean {
    return (this.allNumbers ??= isNumericSample(this.sample));
  }
  distinctAbove(limit: number): boolean {
    return distinctAbove(this.sorted(), limit);
  }
}

export function viewOf(s: SampleInput): SampleView {
  return (s as Partial<SampleView>).isSampleView === true ? (s as SampleView) : new ArrayView(s as Sample);
}

/** True when every present value is a number (so numeric binning applies). */
export function isNumericSample(s: Sample): boolean {
  if (ArrayBuffer.isView(s)) return true;
  for (let i = 0; i < s.length; i++) {
    const v = s[i] as Value;
    if (!isMissing(v) && typeof v !== 'number') return false;
  }
  return true;
}

/** Count of each present value; keys keep their type (numbers stay numbers, booleans become 'false'/'true'). */
export function countValues(s: Sample): Map<string | number, number> {
  const counts = new Map<string | number, number>();
  for (let i = 0; i < s.length; i++) {
    const v = s[i] as Value;
    if (isMissing(v)) continue;
    const k = typeof v === 'boolean' ? String(v) : (v as string | number);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Keys in ascending order: numbers numerically, then strings by code unit (Python's `sorted` for one type). */
export function sortKeys(keys: Iterable<string | number>): (string | number)[] {
  return [...keys].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Aligned counts of two samples over the union of their present values (sorted keys). */
export interface Aligned {
  keys: (string | number)[];
  reference: Float64Array;
  current: Float64Array;
  referenceSize: number;
  currentSize: number;
}

export function alignCounts(reference: Map<string | number, number>, current: Map<string | number, number>): Aligned {
  const keys = sortKeys(new Set([...reference.keys(), ...current.keys()]));
  const r = new Float64Array(keys.length), c = new Float64Array(keys.length);
  let rs = 0, cs = 0;
  keys.forEach((k, i) => {
    r[i] = reference.get(k) ?? 0;
    c[i] = current.get(k) ?? 0;
    rs += r[i];
    cs += c[i];
  });
  return { keys, reference: r, current: c, referenceSize: rs, currentSize: cs };
}

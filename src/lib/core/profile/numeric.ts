import { bisectLeft, bisectRight, quantileSorted } from 'd3-array';
import type { NumericColumn } from '../table.ts';
import { countOnes, indicatorBits } from '../indicator-column.ts';
import { NumberIndex } from '../number-index.ts';
import { sortedFromCounts } from '../sorted-lineage.ts';
import { histogramOf, histogramSorted, type SortedValues } from './histogram.ts';
import { sortFloat64, sortScratch, type SortScratch } from './sort.ts';
import { finite, type NumericProfile, type Quantiles } from './types.ts';

type Measured = NumericColumn & { type: NumericProfile['type'] };

/**
 * Statistics of an integer, float or datetime column. One sorted copy of the present values (a radix sort, fast even at
 * millions of rows) gives min, max, quantiles, distinct, zeros and histogram; mean and std take two passes
 * over it (the second corrects the mean's rounding), which is stable where a one-pass sum of squares is not.
 * A column of few distinct values (counts, codes, days, one-decimal readings) skips the sort: its distinct values
 * and their counts stand for the sorted copy, with the very same arithmetic in the same order, so the results are
 * identical to the last bit. (`sort` forces the sorted path: for tests.)
 */
export function profileNumeric(col: Measured, rowCount: number, bins: number, opts: { sort?: boolean; scratch?: NumericScratch } = {}): NumericProfile {
  if (!opts.sort) {
    const made = sortedBefore.get(col);
    if (made && made.rowCount === rowCount && made.bins === bins) return made.profile;
  }
  if (rowCount >= COUNTED_MIN_ROWS && !opts.sort) {
    const ones = indicatorCounted(col, rowCount);
    if (ones) return fromCounts(col, rowCount, bins, ones);
    // Sorted values written from counts (decimals, or a prepared column's lineage) cost less than counting here.
    const ordered = sortedFromCounts(col, rowCount, opts.scratch?.values);
    if (ordered) return fromSorted(col, rowCount, bins, ordered);
    const counted = countedValues(col, rowCount);
    if (counted) return fromCounts(col, rowCount, bins, counted);
  }
  return fromSorted(col, rowCount, bins, presentSorted(col, rowCount, opts.scratch));
}

/**
 * Profiles made from a sorted copy that another reader sorted first, by column (columns are never written in place):
 * the validation schema of a prepared training split sorts the very columns its profile sorts next — at 5M rows,
 * 12 columns of 3M values each, seconds in the tab.
 */
const sortedBefore = new WeakMap<NumericColumn, { rowCount: number; bins: number; profile: NumericProfile }>();

/** Percentiles and extremes of a column's present values, as they are (±Infinity kept: the schema's range). */
export interface PresentRange {
  n: number;
  distinct: number;
  range: { min: number; max: number; p1: number; p99: number } | null;
}

/**
 * The present values' count, distinct count, extremes and 1st and 99th percentiles (R-7) from one sorted copy, for
 * the validation schema; an integer, float or datetime column's profile (`bins` bins) is made from the same copy and
 * kept for profileNumeric.
 */
export function sortedRange(col: NumericColumn, rowCount: number, opts: { bins?: number; scratch?: NumericScratch } = {}): PresentRange {
  const sorted = presentSorted(col, rowCount, opts.scratch);
  const bins = opts.bins ?? DEFAULT_BINS;
  if (col.type === 'integer' || col.type === 'float' || col.type === 'datetime') {
    sortedBefore.set(col, { rowCount, bins, profile: fromSorted(col as Measured, rowCount, bins, sorted) });
  }
  const n = sorted.length;
  if (!n) return { n, distinct: 0, range: null };
  const q = (p: number) => quantileSorted(sorted as unknown as number[], p)!;
  return { n, distinct: distinctSorted(sorted), range: { min: sorted[0], max: sorted[n - 1], p1: q(0.01), p99: q(0.99) } };
}

/** The profile's default number of histogram bins. */
export const DEFAULT_BINS = 20;

function fromSorted(col: Measured, rowCount: number, bins: number, sorted: Float64Array): NumericProfile {
  const n = sorted.length;
  const { mean, std } = meanStd(sorted);
  const q = (p: number) => (n ? finite(quantileSorted(sorted as unknown as number[], p)!) : null);
  const quantiles: Quantiles = { p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
  return {
    name: col.name,
    type: col.type,
    count: n,
    missing: rowCount - n,
    distinct: distinctSorted(sorted),
    min: n ? finite(sorted[0]) : null,
    max: n ? finite(sorted[n - 1]) : null,
    mean,
    std,
    quantiles,
    histogram: histogramSorted(sorted, bins),
    zeros: bisectRight(sorted, 0) - bisectLeft(sorted, 0),
  };
}

/** Below this many rows a column is always sorted (counting would not pay). */
const COUNTED_MIN_ROWS = 4096;
/** Most distinct values a column is counted with (more: it is sorted). */
const COUNTED_MAX_DISTINCT = 1 << 14;

/** The distinct present values ascending (-0 apart from, and just before, 0, as in a sort) and their counts. */
interface Counted {
  keys: Float64Array;
  counts: Float64Array;
  /** ends[k]: how many present values are ≤ keys[k] (cumulative counts). */
  ends: Float64Array;
  n: number;
}

/** The counts of a column of 0/1 values (its bits, or one pass over its values), or null. */
function indicatorCounted(col: NumericColumn, rowCount: number): Counted | null {
  const bits = indicatorBits(col);
  if (bits) return fromOnes(countOnes(bits, rowCount), rowCount);
  return indicatorCounts(col.values, col.valid, rowCount);
}

/** Counts of each distinct present value, or null as soon as there are too many distinct values. */
function countedValues(col: NumericColumn, rowCount: number): Counted | null {
  const { values, valid } = col;
  const max = Math.min(COUNTED_MAX_DISTINCT, rowCount >> 3);
  const index = new NumberIndex(1024);
  let counts = new Float64Array(1024);
  let negZero = 0;
  let n = 0;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    if (!valid[r] || v !== v) continue;
    n++;
    if (v === 0 && 1 / v < 0) {
      negZero++;
      continue;
    }
    const id = index.add(v);
    if (id === counts.length) {
      if (id >= max) return null;
      const bigger = new Float64Array(counts.length * 2);
      bigger.set(counts);
      counts = bigger;
    }
    counts[id]++;
  }
  const d = index.size + (negZero ? 1 : 0);
  const keys = new Float64Array(d);
  keys.set(index.values.subarray(0, index.size));
  if (negZero) keys[d - 1] = -0;
  keys.sort(); // ascending, -0 before 0 (the keys are distinct, so nothing else to keep in step)
  const sortedCounts = new Float64Array(d);
  const ends = new Float64Array(d);
  let cum = 0;
  for (let k = 0; k < d; k++) {
    const key = keys[k];
    sortedCounts[k] = key === 0 && 1 / key < 0 ? negZero : counts[index.get(key)];
    cum += sortedCounts[k];
    ends[k] = cum;
  }
  return { keys, counts: sortedCounts, ends, n };
}

/**
 * The counts of a column whose present values are all +0 or 1 (one-hot indicators, flags), or null. One branch-free
 * pass over the IEEE-754 words (+0 is 0:0, 1 is 0x3FF00000:0): a prepared split holds a hundred such columns, and
 * hashing each cell into a NumberIndex cost 8 ns per row where this costs about 1.
 */
function indicatorCounts(values: Float64Array, valid: Uint8Array, rowCount: number): Counted | null {
  if (!LITTLE_ENDIAN) return null;
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * rowCount);
  let present = 0, ones = 0, bad = 0;
  for (let r = 0; r < rowCount; r++) {
    const p = valid[r];
    const lo = words[2 * r], hi = words[2 * r + 1];
    // bit 29 is set in 1's high word and clear in +0's; any other high word differs from what that bit predicts.
    const one = (hi >>> 29) & 1;
    present += p;
    ones += one & p;
    bad |= (lo | (hi ^ (-one & ONE_HIGH))) & -p;
  }
  if (bad) return null;
  return fromOnes(ones, present);
}

/** The counts of `present` values of which `ones` are 1 and the rest +0. */
function fromOnes(ones: number, present: number): Counted {
  const zeros = present - ones;
  const keys: number[] = [], counts: number[] = [];
  if (zeros) keys.push(0), counts.push(zeros);
  if (ones) keys.push(1), counts.push(ones);
  return { keys: Float64Array.from(keys), counts: Float64Array.from(counts), ends: Float64Array.from(counts, (c, k) => (k ? present : c)), n: present };
}

const ONE_HIGH = 0x3ff00000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fromCounts(col: Measured, rowCount: number, bins: number, c: Counted): NumericProfile {
  const { keys, counts, ends, n } = c;
  /** Position in `keys` of the i-th smallest present value. */
  const keyOf = (i: number) => {
    let lo = 0, hi = keys.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const at = (i: number) => keys[keyOf(i)];
  /** How many present values are below x (d3.bisectLeft over the sorted values). */
  const below = (x: number) => {
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : ends[lo - 1];
  };
  const view: SortedValues = {
    length: n,
    at,
    bisectLeft: (x, lo, hi) => (lo >= hi ? lo : x !== x ? hi : Math.min(hi, Math.max(lo, below(x)))),
  };
  // quantileSorted (d3) over the view.
  const q = (p: number) => {
    if (!n) return null;
    if (p <= 0 || n < 2) return finite(at(0));
    if (p >= 1) return finite(at(n - 1));
    const i = (n - 1) * p, i0 = Math.floor(i);
    const value0 = at(i0), value1 = at(i0 + 1);
    return finite(value0 + (value1 - value0) * (i - i0));
  };
  let zeros = 0;
  let distinct = keys.length;
  for (let k = 0; k < keys.length; k++) {
    if (keys[k] !== 0) continue;
    zeros += counts[k];
    if (k > 0 && keys[k - 1] === 0) distinct--; // -0 and 0 are one value
  }
  return {
    name: col.name,
    type: col.type,
    count: n,
    missing: rowCount - n,
    distinct,
    min: n ? finite(keys[0]) : null,
    max: n ? finite(keys[keys.length - 1]) : null,
    ...meanStdCounted(keys, counts, n),
    quantiles: { p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) },
    histogram: histogramOf(view, bins),
    zeros,
  };
}

/** meanStd over the values the counts stand for, adding them one by one in ascending order as meanStd does. */
function meanStdCounted(keys: Float64Array, counts: Float64Array, n: number): { mean: number | null; std: number | null } {
  if (n === 0) return { mean: null, std: null };
  const first = keys[0], last = keys[keys.length - 1];
  if (first === last) return { mean: finite(first), std: n < 2 || !Number.isFinite(first) ? null : 0 };
  if (first === 0 && last === 1 && keys.length <= 3 && (keys.length === 2 || keys[1] === 0)) return binaryMeanStd(n - counts[keys.length - 1], counts[keys.length - 1]);
  let sum = 0;
  for (let k = 0; k < keys.length; k++) {
    const v = keys[k];
    for (let c = counts[k]; c > 0; c--) sum += v;
  }
  const m = sum / n;
  let d1 = 0;
  let d2 = 0;
  for (let k = 0; k < keys.length; k++) {
    const d = keys[k] - m;
    const dd = d * d;
    for (let c = counts[k]; c > 0; c--) {
      d1 += d;
      d2 += dd;
    }
  }
  const mean = finite(m + d1 / n);
  if (n < 2 || mean === null) return { mean, std: null };
  return { mean, std: finite(Math.sqrt(Math.max(0, (d2 - (d1 * d1) / n) / (n - 1)))) };
}

/**
 * Working memory that profileNumeric reuses from one column to the next (sized for `rows`): the sorted copy and the
 * sort's own. Fresh memory for each million-row column would cost a page fault per 4 KiB on first touch.
 */
export interface NumericScratch {
  values: Float64Array;
  sort: SortScratch;
}

export function numericScratch(rows: number): NumericScratch {
  return { values: new Float64Array(rows), sort: sortScratch(rows) };
}

/**
 * Present values (valid and not NaN), ascending: written from counts where the column has them (sorted-lineage.ts),
 * else sorted. With `scratch` the result is a view into it, valid until the next call with the same scratch.
 */
export function presentSorted(col: NumericColumn, rowCount: number, scratch?: NumericScratch): Float64Array {
  const derived = sortedFromCounts(col, rowCount, scratch?.values);
  if (derived) return derived;
  const { values, valid } = col;
  let n = 0;
  for (let r = 0; r < rowCount; r++) if (valid[r] && values[r] === values[r]) n++;
  const out = scratch && scratch.values.length >= n ? scratch.values.subarray(0, n) : new Float64Array(n);
  let k = 0;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    if (valid[r] && v === v) out[k++] = v;
  }
  return sortFloat64(out, scratch?.sort);
}

function meanStd(x: Float64Array): { mean: number | null; std: number | null } {
  const n = x.length;
  if (n === 0) return { mean: null, std: null };
  // Sorted input: a constant column is exactly constant (no rounding residue in mean or std).
  if (x[0] === x[n - 1]) return { mean: finite(x[0]), std: n < 2 || !Number.isFinite(x[0]) ? null : 0 };
  if (x[0] === 0 && x[n - 1] === 1) {
    const zeros = bisectRight(x, 0); // -0 and 0 alike
    if (x[zeros] === 1) return binaryMeanStd(zeros, n - zeros);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const m = sum / n;
  let d1 = 0;
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    d1 += d;
    d2 += d * d;
  }
  const mean = finite(m + d1 / n);
  if (n < 2 || mean === null) return { mean, std: null };
  return { mean, std: finite(Math.sqrt(Math.max(0, (d2 - (d1 * d1) / n) / (n - 1)))) };
}

/**
 * Mean and sample standard deviation of `zeros` 0s (of either sign) and `ones` 1s, in closed form (both at least 1):
 * the values of a one-hot indicator. Summed one by one, the counted path took 7 ms a column at 3M rows — 120
 * indicators a split; both paths take this, so they still agree to the last bit. Σ(x − mean)² = ones · zeros / n.
 */
function binaryMeanStd(zeros: number, ones: number): { mean: number; std: number } {
  const n = zeros + ones;
  return { mean: ones / n, std: Math.sqrt((ones * zeros) / n / (n - 1)) };
}

function distinctSorted(x: Float64Array): number {
  if (x.length === 0) return 0;
  let k = 1;
  for (let i = 1; i < x.length; i++) if (x[i] !== x[i - 1]) k++;
  return k;
}

/**
 * A numeric column's present values by counting instead of sorting: its distinct values and how often each occurs,
 * in one pass, giving up as soon as there are more distinct values than asked for. The validation's schema, anomaly
 * checks and drift tests read a column of few distinct values (0/1 one-hot columns, flags, small codes) this way; a
 * column of many distinct values is sorted instead. Whatever the route, results are those of the sorted copy to the
 * bit: -0 and 0 are one value (as `!==` and a Map see them), but stay apart where a sorted copy would show which one
 * comes first.
 */
import { NumberIndex } from '../number-index.ts';
import type { NumericColumn } from '../table.ts';
import { countOnes, indicatorBits } from '../indicator-column.ts';

/** Present values counted: `keys` (non-zero, first appearance first) with `counts`, and the zeros by sign. */
export interface NumberCounts {
  keys: Float64Array;
  counts: Float64Array;
  /** Distinct non-zero values (the used part of keys/counts). */
  size: number;
  /** How many present values are +0 and -0. */
  zeros: number;
  negativeZeros: number;
  /** Present values counted. */
  n: number;
}

/** Keys tried one by one before a hash index takes over. */
const LINEAR = 8;

/**
 * Counts of each present value of a numeric column (present: valid and not NaN; with `finiteOnly`, not ±Infinity
 * either), or null as soon as there are more than `maxDistinct` distinct values.
 */
export function countNumbers(col: NumericColumn, rowCount: number, maxDistinct: number, finiteOnly: boolean): NumberCounts | null {
  const bits = indicatorBits(col);
  if (bits && maxDistinct >= 2) {
    // An indicator column (every cell present, 0 or 1) is counted from its bits.
    const ones = countOnes(bits, rowCount);
    return { keys: Float64Array.of(1), counts: Float64Array.of(ones), size: ones ? 1 : 0, zeros: rowCount - ones, negativeZeros: 0, n: rowCount };
  }
  const { values, valid } = col;
  let keys = new Float64Array(16), counts = new Float64Array(16);
  let size = 0, zeros = 0, negativeZeros = 0, n = 0;
  let index: NumberIndex | null = null;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    // v - v is 0 for finite numbers and NaN for NaN and ±Infinity.
    if (!valid[r] || (finiteOnly ? v - v !== 0 : v !== v)) continue;
    n++;
    if (v === 0) {
      if (1 / v > 0) zeros++;
      else negativeZeros++;
      continue;
    }
    let id: number;
    if (index === null) {
      id = 0;
      while (id < size && keys[id] !== v) id++;
      if (id === size) {
        if (size === LINEAR) {
          index = new NumberIndex(64);
          for (let k = 0; k < size; k++) index.add(keys[k]);
          id = index.add(v);
        }
      }
    } else {
      id = index.add(v);
    }
    if (id === size) {
      // A new value.
      if (size + (zeros || negativeZeros ? 1 : 0) >= maxDistinct) return null;
      if (size === keys.length) {
        const k2 = new Float64Array(size * 2), c2 = new Float64Array(size * 2);
        k2.set(keys);
        c2.set(counts);
        keys = k2;
        counts = c2;
      }
      keys[size++] = v;
    }
    counts[id]++;
  }
  if (size + (zeros || negativeZeros ? 1 : 0) > maxDistinct) return null;
  return { keys, counts, size, zeros, negativeZeros, n };
}

/** Distinct present values (-0 and 0 as one). */
export function distinctOf(c: NumberCounts): number {
  return c.size + (c.zeros || c.negativeZeros ? 1 : 0);
}

/** The counts as a sorted copy stands for them: ascending keys (-0 before 0, as in a sort), and cumulative counts. */
export interface SortedCounts {
  keys: Float64Array;
  /** ends[k]: how many present values sort at or before keys[k]. */
  ends: Float64Array;
  n: number;
}

export function sortedCounts(c: NumberCounts): SortedCounts {
  const d = c.size + (c.zeros ? 1 : 0) + (c.negativeZeros ? 1 : 0);
  const keys = new Float64Array(d);
  keys.set(c.keys.subarray(0, c.size));
  let k = c.size;
  if (c.negativeZeros) keys[k++] = -0;
  if (c.zeros) keys[k++] = 0;
  keys.sort(); // ascending, -0 before 0; keys are distinct
  const countOf = new Map<number, number>();
  for (let i = 0; i < c.size; i++) countOf.set(c.keys[i], c.counts[i]);
  const ends = new Float64Array(d);
  let cum = 0;
  for (let i = 0; i < d; i++) {
    const key = keys[i];
    cum += key === 0 ? (1 / key < 0 ? c.negativeZeros : c.zeros) : countOf.get(key)!;
    ends[i] = cum;
  }
  return { keys, ends, n: c.n };
}

/** sorted[i]: the i-th smallest present value (0 ≤ i < n). */
export function atSorted(s: SortedCounts, i: number): number {
  let lo = 0, hi = s.keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.ends[mid] > i) hi = mid;
    else lo = mid + 1;
  }
  return s.keys[lo];
}

/** d3.quantileSorted over the sorted values the counts stand for; same arithmetic. */
export function quantileCounted(s: SortedCounts, p: number): number {
  const n = s.n;
  if (p <= 0 || n < 2) return atSorted(s, 0);
  if (p >= 1) return atSorted(s, n - 1);
  const i = (n - 1) * p, i0 = Math.floor(i);
  const value0 = atSorted(s, i0), value1 = atSorted(s, i0 + 1);
  return value0 + (value1 - value0) * (i - i0);
}

/** The first and last value of the sorted present values (valid, not NaN; ±Infinity included): -0 sorts before 0. */
export function sortedEnds(values: Float64Array, valid: Uint8Array, rowCount: number): { n: number; min: number; max: number } {
  let n = 0, min = Infinity, max = -Infinity;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    if (!valid[r] || v !== v) continue;
    n++;
    if (v <= min && (v < min || (v === 0 && 1 / v < 0))) min = v;
    if (v >= max && (v > max || (v === 0 && 1 / v > 0))) max = v;
  }
  return { n, min, max };
}

import { bin, bisectLeft } from 'd3-array';
import type { HistogramBin } from './types.ts';

/**
 * Histogram of ascending-sorted values with d3's nice thresholds (`d3.bin().thresholds(bins)`), counted by binary
 * search on the sorted array, so a million values cost O(bins · log n) and no per-value JS arrays. The bin edges
 * depend only on the extent, so d3 is asked for them with just [min, max]. A value lands in the bin whose [x0, x1)
 * holds it (the last bin is closed), matching the edges shown. Non-finite values are left out.
 */
export function histogramSorted(sorted: Float64Array, bins: number): HistogramBin[] {
  return histogramOf({ length: sorted.length, at: (i) => sorted[i], bisectLeft: (x, lo, hi) => bisectLeft(sorted, x, lo, hi) }, bins);
}

/** Ascending values as a profile needs them: how many, the i-th smallest, and d3's bisectLeft over them. */
export interface SortedValues {
  length: number;
  at(i: number): number;
  /** The first index in [lo, hi) whose value is not below x (hi when none), as d3.bisectLeft. */
  bisectLeft(x: number, lo: number, hi: number): number;
}

/** histogramSorted over any SortedValues (e.g. distinct values with counts, not a sorted copy). */
export function histogramOf(sorted: SortedValues, bins: number): HistogramBin[] {
  const n = sorted.length;
  let lo = 0;
  while (lo < n && sorted.at(lo) === -Infinity) lo++;
  const hi = sorted.bisectLeft(Infinity, lo, n);
  if (lo >= hi) return [];
  const shape = bin().thresholds(bins)([sorted.at(lo), sorted.at(hi - 1)]);
  const out: HistogramBin[] = [];
  let start = lo;
  shape.forEach((b, i) => {
    const end = i === shape.length - 1 ? hi : sorted.bisectLeft(b.x1!, start, hi);
    out.push({ x0: b.x0!, x1: b.x1!, count: end - start });
    start = end;
  });
  return out;
}

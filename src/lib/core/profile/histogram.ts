import { bin, bisectLeft } from 'd3-array';
import type { HistogramBin } from './types.ts';

/**
 * Histogram of ascending-sorted values with d3's nice thresholds (`d3.bin().thresholds(bins)`), counted by binary
 * search on the sorted array, so a million values cost O(bins · log n) and no per-value JS arrays. The bin edges
 * depend only on the extent, so d3 is asked for them with just [min, max]. A value lands in the bin whose [x0, x1)
 * holds it (the last bin is closed), matching the edges shown. Non-finite values are left out.
 */
export function histogramSorted(sorted: Float64Array, bins: number): HistogramBin[] {
  let lo = 0;
  while (lo < sorted.length && sorted[lo] === -Infinity) lo++;
  const hi = bisectLeft(sorted, Infinity, lo);
  if (lo >= hi) return [];
  const shape = bin().thresholds(bins)([sorted[lo], sorted[hi - 1]]);
  const out: HistogramBin[] = [];
  let start = lo;
  shape.forEach((b, i) => {
    const end = i === shape.length - 1 ? hi : bisectLeft(sorted, b.x1!, start, hi);
    out.push({ x0: b.x0!, x1: b.x1!, count: end - start });
    start = end;
  });
  return out;
}

import { bisectLeft, bisectRight, quantileSorted } from 'd3-array';
import type { NumericColumn } from '../table.ts';
import { histogramSorted } from './histogram.ts';
import { sortFloat64 } from './sort.ts';
import { finite, type NumericProfile, type Quantiles } from './types.ts';

type Measured = NumericColumn & { type: NumericProfile['type'] };

/**
 * Statistics of an integer, float or datetime column. One sorted copy of the present values (a radix sort, fast even at
 * millions of rows) gives min, max, quantiles, distinct, zeros and histogram; mean and std take two passes
 * over it (the second corrects the mean's rounding), which is stable where a one-pass sum of squares is not.
 */
export function profileNumeric(col: Measured, rowCount: number, bins: number): NumericProfile {
  const sorted = presentSorted(col, rowCount);
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

/** Present values (valid and not NaN), ascending. */
export function presentSorted(col: NumericColumn, rowCount: number): Float64Array {
  const { values, valid } = col;
  let n = 0;
  for (let r = 0; r < rowCount; r++) if (valid[r] && values[r] === values[r]) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let r = 0; r < rowCount; r++) {
    const v = values[r];
    if (valid[r] && v === v) out[k++] = v;
  }
  return sortFloat64(out);
}

function meanStd(x: Float64Array): { mean: number | null; std: number | null } {
  const n = x.length;
  if (n === 0) return { mean: null, std: null };
  // Sorted input: a constant column is exactly constant (no rounding residue in mean or std).
  if (x[0] === x[n - 1]) return { mean: finite(x[0]), std: n < 2 || !Number.isFinite(x[0]) ? null : 0 };
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

function distinctSorted(x: Float64Array): number {
  if (x.length === 0) return 0;
  let k = 1;
  for (let i = 1; i < x.length; i++) if (x[i] !== x[i - 1]) k++;
  return k;
}

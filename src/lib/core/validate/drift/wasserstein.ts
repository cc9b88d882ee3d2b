/**
 * Normed Wasserstein (earth mover's) distance, as Evidently's wasserstein stat test:
 *   scipy.stats.wasserstein_distance(reference, current) / max(std(reference), 0.001)
 * with the population standard deviation (numpy.std, ddof = 0). The distance is ∫ |F_ref − F_cur| dx between the
 * empirical CDFs, so the normed value reads "the distributions moved by this many reference standard deviations".
 * Drift when the normed distance ≥ 0.1.
 */
import { viewOf, type DriftResult, type SampleInput } from './types.ts';

export const WASSERSTEIN_THRESHOLD = 0.1;
const MIN_NORM = 0.001;

/** scipy.stats.wasserstein_distance of two ascending samples. */
export function wassersteinDistance(u: Float64Array, v: Float64Array): number {
  const n = u.length, m = v.length;
  let i = 0, j = 0, sum = 0;
  let prev = Math.min(u[0], v[0]);
  while (i < n || j < m) {
    const x = j >= m || (i < n && u[i] <= v[j]) ? u[i] : v[j];
    sum += Math.abs(i / n - j / m) * (x - prev);
    prev = x;
    while (i < n && u[i] <= x) i++;
    while (j < m && v[j] <= x) j++;
  }
  return sum;
}

/** Population standard deviation (two passes). */
export function populationStd(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let d2 = 0;
  for (let i = 0; i < x.length; i++) d2 += (x[i] - mean) ** 2;
  return Math.sqrt(d2 / x.length);
}

export function wasserstein(reference: SampleInput, current: SampleInput, opts: { threshold?: number } = {}): DriftResult {
  const threshold = opts.threshold ?? WASSERSTEIN_THRESHOLD;
  const r = viewOf(reference).sorted(), c = viewOf(current).sorted();
  const base = { test: 'wasserstein' as const, threshold, referenceSize: r.length, currentSize: c.length };
  if (r.length === 0 || c.length === 0) return { ...base, statistic: null, pValue: null, drifted: false };
  const d = wassersteinDistance(r, c) / Math.max(populationStd(r), MIN_NORM);
  return { ...base, statistic: d, pValue: null, drifted: d >= threshold };
}

/**
 * Chi-square goodness of fit of the current category counts against the counts the reference shares predict, as
 * Evidently's chi-square stat test: expected_k = reference_k · (n_current / n_reference) over the categories seen in
 * either sample, then scipy.stats.chisquare(observed, expected) with k − 1 degrees of freedom. A category the
 * reference never saw makes the statistic infinite (reported as null) and p = 0. With a single category in both
 * samples the distributions are identical: statistic 0, p = 1 (SciPy would return NaN for 0 degrees of freedom).
 * Drift when p < 0.05.
 */
import { chi2Sf } from './special.ts';
import { alignCounts, viewOf, type DriftResult, type SampleInput } from './types.ts';

export const CHISQUARE_THRESHOLD = 0.05;

export function chisquare(reference: SampleInput, current: SampleInput, opts: { threshold?: number } = {}): DriftResult {
  const threshold = opts.threshold ?? CHISQUARE_THRESHOLD;
  const a = alignCounts(viewOf(reference).counts(), viewOf(current).counts());
  const base = { test: 'chisquare' as const, threshold, referenceSize: a.referenceSize, currentSize: a.currentSize };
  if (a.referenceSize === 0 || a.currentSize === 0) return { ...base, statistic: null, pValue: null, drifted: false };
  const k = a.keys.length;
  if (k < 2) return { ...base, statistic: 0, pValue: 1, drifted: false };
  const scale = a.currentSize / a.referenceSize;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const e = a.reference[i] * scale, o = a.current[i];
    stat += e === 0 ? (o === 0 ? 0 : Infinity) : ((o - e) * (o - e)) / e;
  }
  const p = stat === Infinity ? 0 : chi2Sf(stat, k - 1);
  return { ...base, statistic: Number.isFinite(stat) ? stat : null, pValue: p, drifted: p < threshold };
}

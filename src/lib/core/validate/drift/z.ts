/**
 * Two-proportion z-test on a binary category, as Evidently's z stat test: the categories seen in either sample are
 * sorted, the first one counts as 0 and every other as 1, and
 *   z = (p₁ − p₂) / sqrt(P (1 − P) (1/n₁ + 1/n₂)),  P = pooled share,  p = 2 · (1 − Φ(|z|)).
 * When both samples hold the same single value, p = 1 (z = 0). Drift when p < 0.05.
 */
import { normalTwoSided } from './special.ts';
import { alignCounts, viewOf, type DriftResult, type SampleInput } from './types.ts';

export const Z_THRESHOLD = 0.05;

export function z(reference: SampleInput, current: SampleInput, opts: { threshold?: number } = {}): DriftResult {
  const threshold = opts.threshold ?? Z_THRESHOLD;
  const a = alignCounts(viewOf(reference).counts(), viewOf(current).counts());
  const n1 = a.referenceSize, n2 = a.currentSize;
  const base = { test: 'z' as const, threshold, referenceSize: n1, currentSize: n2 };
  if (n1 === 0 || n2 === 0) return { ...base, statistic: null, pValue: null, drifted: false };
  if (a.keys.length === 1) return { ...base, statistic: 0, pValue: 1, drifted: false };
  // Share of "not the first key" in each sample.
  const p1 = (n1 - a.reference[0]) / n1, p2 = (n2 - a.current[0]) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const stat = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  const p = normalTwoSided(stat);
  return { ...base, statistic: stat, pValue: p, drifted: p < threshold };
}

/**
 * Population stability index: Σ (r − c) · ln(r / c) over buckets of reference shares r and current shares c (see
 * shares.ts for the buckets; empty buckets get Evidently's 0.0001, since ln 0 is undefined). Natural log. Drift when
 * PSI ≥ 0.1 (Evidently's default; the rule of thumb reads < 0.1 stable, 0.1–0.25 moderate, > 0.25 large).
 * Example: 50/50 → 70/30 gives 0.2·ln(7/5) + 0.2·ln(5/3) = 0.16946.
 */
import { sampleShares, type ShareOptions } from './shares.ts';
import type { DriftResult, SampleInput } from './types.ts';

export const PSI_THRESHOLD = 0.1;

export function psi(reference: SampleInput, current: SampleInput, opts: ShareOptions & { threshold?: number } = {}): DriftResult {
  const threshold = opts.threshold ?? PSI_THRESHOLD;
  const s = sampleShares(reference, current, { ...opts, fillZeros: true });
  const base = { test: 'psi' as const, threshold, referenceSize: s.referenceSize, currentSize: s.currentSize, logBase: 'e' as const };
  if (s.referenceSize === 0 || s.currentSize === 0) return { ...base, statistic: null, pValue: null, drifted: false };
  let value = 0;
  for (let i = 0; i < s.reference.length; i++) {
    const r = s.reference[i], c = s.current[i];
    value += (r - c) * Math.log(r / c);
  }
  return { ...base, statistic: value, pValue: null, drifted: value >= threshold };
}

/**
 * L-infinity distance between share vectors: the largest absolute change in any one bucket's share (buckets as
 * shares.ts). 0.1 means some category gained or lost ten percentage points. Drift when distance ≥ 0.1.
 */
import { sampleShares, type ShareOptions } from './shares.ts';
import type { DriftResult, SampleInput } from './types.ts';

export const LINF_THRESHOLD = 0.1;

export function linf(reference: SampleInput, current: SampleInput, opts: ShareOptions & { threshold?: number } = {}): DriftResult {
  const threshold = opts.threshold ?? LINF_THRESHOLD;
  const s = sampleShares(reference, current, { ...opts, fillZeros: false });
  const base = { test: 'linf' as const, threshold, referenceSize: s.referenceSize, currentSize: s.currentSize };
  if (s.referenceSize === 0 || s.currentSize === 0) return { ...base, statistic: null, pValue: null, drifted: false };
  let d = 0;
  for (let i = 0; i < s.reference.length; i++) d = Math.max(d, Math.abs(s.reference[i] - s.current[i]));
  return { ...base, statistic: d, pValue: null, drifted: d >= threshold };
}

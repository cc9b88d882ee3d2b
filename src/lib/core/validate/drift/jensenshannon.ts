/**
 * Jensen–Shannon distance, as scipy.spatial.distance.jensenshannon(p, q, base): both share vectors normalised,
 * m = (p + q) / 2, distance = sqrt((KL(p‖m) + KL(q‖m)) / 2), in nats by default (base 'e'; base 2 bounds it by 1).
 * Buckets as shares.ts (no zero filling: 0·ln 0 = 0). Drift when distance ≥ 0.1 (Evidently's default).
 * Example: 50/50 → 70/30 gives 0.14493 (natural log).
 */
import { sampleShares, type ShareOptions } from './shares.ts';
import type { DriftResult, SampleInput } from './types.ts';

export const JENSEN_SHANNON_THRESHOLD = 0.1;

export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base: 'e' | 2 = 'e'): number {
  let ps = 0, qs = 0;
  for (let i = 0; i < p.length; i++) { ps += p[i]; qs += q[i]; }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / ps, b = q[i] / qs, m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  if (base === 2) js /= Math.LN2;
  return Math.sqrt(Math.max(0, js) / 2);
}

export function jensenshannon(
  reference: SampleInput,
  current: SampleInput,
  opts: ShareOptions & { threshold?: number; base?: 'e' | 2 } = {},
): DriftResult {
  const threshold = opts.threshold ?? JENSEN_SHANNON_THRESHOLD;
  const logBase = opts.base ?? 'e';
  const s = sampleShares(reference, current, { ...opts, fillZeros: false });
  const base = { test: 'jensenshannon' as const, threshold, referenceSize: s.referenceSize, currentSize: s.currentSize, logBase };
  if (s.referenceSize === 0 || s.currentSize === 0) return { ...base, statistic: null, pValue: null, drifted: false };
  const d = jensenShannonDistance(s.reference, s.current, logBase);
  return { ...base, statistic: d, pValue: null, drifted: d >= threshold };
}

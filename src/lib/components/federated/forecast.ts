/**
 * What joining costs in privacy, in words, before and during a federation: ε at the federation's δ for a client that
 * takes part in every round (q = 1: no sampling by the server), both conversions.
 */
import { privacySpent } from '../../federated/accountant.ts';

export interface PrivacyLine {
  epsilon: number;
  epsilonImproved: number;
  text: string;
}

export const formatEpsilon = (e: number): string => (Number.isFinite(e) ? (e >= 100 ? e.toFixed(0) : e >= 10 ? e.toFixed(1) : e.toFixed(2)) : '∞');

export function privacyAfter(rounds: number, noiseMultiplier: number, delta: number): PrivacyLine {
  if (rounds === 0) return { epsilon: 0, epsilonImproved: 0, text: 'nothing spent yet' };
  if (!(noiseMultiplier > 0)) return { epsilon: Infinity, epsilonImproved: Infinity, text: 'no noise (z = 0): no privacy guarantee — the updates show what your data taught the model' };
  const p = privacySpent({ q: 1, sigma: noiseMultiplier, steps: rounds, delta });
  return { ...p, text: `ε = ${formatEpsilon(p.epsilon)} at δ = ${delta} (${formatEpsilon(p.epsilonImproved)} with the tighter conversion of Balle et al.) — ${strength(p.epsilon)}` };
}

/** How the field reads an ε (a rough guide, as the DP literature uses it). */
export function strength(epsilon: number): string {
  if (epsilon <= 1) return 'a strong guarantee';
  if (epsilon <= 10) return 'a moderate guarantee';
  return 'a weak guarantee: more noise (z) or fewer rounds would lower it, at some cost in accuracy';
}

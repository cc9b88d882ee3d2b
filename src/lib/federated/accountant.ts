/**
 * The privacy accountant of the federated mode: how much (ε, δ)-DP a run of `steps` rounds of the sampled Gaussian
 * mechanism (sampling rate q, noise multiplier σ) has spent. RDP per order from rdp.ts, composed over the rounds,
 * then converted both ways (to-epsilon.ts). Pure, no DOM and no Node API: the studio, the aggregator and the CLI
 * share it.
 */
import { checkDelta, checkNoiseMultiplier, checkOrders, checkSamplingRate, checkSteps } from './args.ts';
import { composedRdp } from './rdp.ts';
import { epsilonClassic, epsilonImproved } from './to-epsilon.ts';

export { rdpSampledGaussian, composedRdp } from './rdp.ts';
export { epsilonClassic, epsilonImproved, type EpsilonAtOrder } from './to-epsilon.ts';

/**
 * The orders Opacus' RDPAccountant searches by default: 1.1, 1.2, …, 10.9, then 12, 13, …, 63. Built from integers
 * (1 + k/10) so that each is the same double as Python's `1 + x / 10.0`.
 */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, k) => 1 + (k + 1) / 10),
  ...Array.from({ length: 52 }, (_, k) => 12 + k)
]);

export interface PrivacySpentArgs {
  /** Sampling rate per round, in (0, 1]. */
  q: number;
  /** Noise multiplier σ ≥ 0 (noise standard deviation ÷ clipping bound). */
  sigma: number;
  /** Rounds run, a whole number ≥ 0. */
  steps: number;
  /** δ, in (0, 1). */
  delta: number;
  /** Rényi orders to search (default DEFAULT_ORDERS). */
  orders?: ArrayLike<number>;
}

export interface PrivacySpent {
  /** Classic conversion: ε = min_α RDP(α) + log(1/δ)/(α − 1). */
  epsilon: number;
  order: number;
  /** Balle et al. 2020 conversion, as Opacus reports it (smaller). */
  epsilonImproved: number;
  orderImproved: number;
}

/**
 * ε spent after `steps` rounds at (q, σ), for the given δ. Zero rounds spend nothing: ε = 0 with order NaN (as
 * Opacus' accountant with an empty history, rather than the conversion's positive bound for RDP 0). σ = 0 with at
 * least one round: ε = +Infinity, order NaN.
 */
export function privacySpent({ q, sigma, steps, delta, orders = DEFAULT_ORDERS }: PrivacySpentArgs): PrivacySpent {
  checkSamplingRate(q);
  checkNoiseMultiplier(sigma);
  checkSteps(steps);
  checkDelta(delta);
  checkOrders(orders);
  if (steps === 0) return { epsilon: 0, order: NaN, epsilonImproved: 0, orderImproved: NaN };
  const rdp = composedRdp({ q, sigma, steps, orders });
  const classic = epsilonClassic(orders, rdp, delta);
  const improved = epsilonImproved(orders, rdp, delta);
  return { epsilon: classic.epsilon, order: classic.order, epsilonImproved: improved.epsilon, orderImproved: improved.order };
}

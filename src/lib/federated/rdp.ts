/**
 * Rényi differential privacy of the sampled Gaussian mechanism (SGM): each round takes every client with probability
 * q, clips each update to L2 norm C and adds N(0, (σC)²) noise to the sum. Mironov, Talwar & Zhang 2019 ("Rényi
 * Differential Privacy of the Sampled Gaussian Mechanism", arXiv 1908.10530, §3.3) show that its RDP at order α is
 * log(A_α) / (α − 1) with
 *
 *   A_α = E_{x ~ N(0, σ²)} [ ((1 − q) + q · e^{(2x − 1) / 2σ²})^α ],
 *
 * the Rényi divergence of (1 − q)N(0, σ²) + qN(1, σ²) from N(0, σ²). This is `compute_rdp` of TF-Privacy's
 * rdp_accountant and of opacus/accountants/analysis/rdp.py, written afresh:
 *   - integer α: the binomial expansion A_α = Σ_i C(α, i) q^i (1 − q)^{α−i} e^{(i² − i)/2σ²}, summed in log space;
 *   - fractional α: the two series of §3.3, split at z₀ = σ² log(1/q − 1) + ½, each term weighted by an erfc tail;
 *     summed until both terms fall below e^{−30} (Opacus' stopping rule);
 *   - q = 1: the plain Gaussian mechanism, exactly α / 2σ²; σ = 0: no privacy, +Infinity.
 * RDP composes by addition, so `steps` identical rounds cost steps × RDP(α).
 */
import { EnclaveError } from '../core/errors.ts';
import { checkNoiseMultiplier, checkOrder, checkOrders, checkSamplingRate, checkSteps } from './args.ts';
import { logAdd, logErfc, logSub } from './log-space.ts';

/** A safety net for the fractional series: with any sane q and σ it stops after a few hundred terms. */
const MAX_SERIES_TERMS = 1_000_000;

/** log A_α for integer α ≥ 2, 0 < q < 1: the binomial expansion, C(α, i) built up in log space as it goes. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q), log1mQ = Math.log1p(-q), twoVar = 2 * sigma * sigma;
  let logA = -Infinity, logCoef = 0; // log C(α, 0)
  for (let i = 0; i <= alpha; i++) {
    logA = logAdd(logA, logCoef + i * logQ + (alpha - i) * log1mQ + (i * i - i) / twoVar);
    // C(α, i + 1) = C(α, i) · (α − i) / (i + 1)
    logCoef += Math.log(alpha - i) - Math.log(i + 1);
  }
  return logA;
}

/**
 * log A_α for fractional α, 0 < q < 1: A_α is the sum of two integrals, over x ≤ z₀ and x ≥ z₀, each expanded as a
 * series whose terms C(α, i) change sign once i > α (so they are added or subtracted in log space).
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q), log1mQ = Math.log1p(-q), twoVar = 2 * sigma * sigma, sqrt2Sigma = Math.SQRT2 * sigma;
  const z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
  let logA0 = -Infinity, logA1 = -Infinity;
  let logCoef = 0, positive = true; // log |C(α, 0)|, its sign
  for (let i = 0; i < MAX_SERIES_TERMS; i++) {
    const j = alpha - i;
    const logT0 = logCoef + i * logQ + j * log1mQ;
    const logT1 = logCoef + j * logQ + i * log1mQ;
    const logE0 = -Math.LN2 + logErfc((i - z0) / sqrt2Sigma);
    const logE1 = -Math.LN2 + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (i * i - i) / twoVar + logE0;
    const logS1 = logT1 + (j * j - j) / twoVar + logE1;
    if (positive) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) return logAdd(logA0, logA1);
    // C(α, i + 1) = C(α, i) · (α − i) / (i + 1); its sign flips each time α − i is negative.
    logCoef += Math.log(Math.abs(alpha - i)) - Math.log(i + 1);
    if (alpha - i < 0) positive = !positive;
  }
  throw new EnclaveError('internal', `The RDP series for order ${alpha} did not converge (q = ${q}, sigma = ${sigma}).`, { q, sigma, alpha });
}

/**
 * RDP at order α of one round of the sampled Gaussian mechanism with sampling rate q in (0, 1] and noise multiplier
 * σ ≥ 0. +Infinity when σ = 0 (the update is released as is).
 */
export function rdpSampledGaussian(q: number, sigma: number, alpha: number): number {
  checkSamplingRate(q);
  checkNoiseMultiplier(sigma);
  checkOrder(alpha);
  if (sigma === 0) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha) ? logAInteger(q, sigma, alpha) : logAFractional(q, sigma, alpha);
  // A_α ≥ 1 exactly (a Rényi divergence is ≥ 0); a sum of terms that add up to 1 can round a hair below it.
  return Math.max(0, logA / (alpha - 1));
}

export interface RdpArgs {
  /** Sampling rate per round, in (0, 1]. */
  q: number;
  /** Noise multiplier σ ≥ 0. */
  sigma: number;
  /** Rounds composed, a whole number ≥ 0. */
  steps: number;
  /** Rényi orders, each > 1. */
  orders: ArrayLike<number>;
}

/** RDP of `steps` rounds at each order: steps × RDP(α) (RDP composes by addition). 0 for zero steps, even when σ = 0. */
export function composedRdp({ q, sigma, steps, orders }: RdpArgs): Float64Array {
  checkSamplingRate(q);
  checkNoiseMultiplier(sigma);
  checkSteps(steps);
  checkOrders(orders);
  const out = new Float64Array(orders.length);
  if (steps === 0) return out;
  for (let k = 0; k < orders.length; k++) out[k] = steps * rdpSampledGaussian(q, sigma, orders[k]);
  return out;
}

/**
 * Log-space arithmetic for the RDP accountant. The terms of the subsampled Gaussian's moment A_α span hundreds of
 * orders of magnitude (e^{i²/2σ²} against q^i), so they are added and subtracted as logarithms. −Infinity stands
 * for 0.
 */
import { EnclaveError } from '../core/errors.ts';

/** log(e^x + e^y), without overflow. */
export function logAdd(x: number, y: number): number {
  const a = Math.min(x, y), b = Math.max(x, y);
  if (a === -Infinity) return b;
  return b + Math.log1p(Math.exp(a - b));
}

/**
 * log(e^x − e^y) for x ≥ y. Written as x + log(1 − e^{−(x−y)}) so that it neither overflows for a large gap
 * (Opacus catches the OverflowError of expm1) nor loses the small difference of two close terms.
 */
export function logSub(x: number, y: number): number {
  if (x < y)
    throw new EnclaveError('internal', 'The privacy accountant lost precision: a difference of two terms came out negative.', { x, y });
  if (y === -Infinity) return x;
  if (x === y) return -Infinity;
  return x + Math.log(-Math.expm1(y - x));
}

/** 2/√π */
const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** log √π */
const LOG_SQRT_PI = 0.5723649429247001;
/** Below this |x| the series for erf; above it the continued fraction for erfc (both converge fast there). */
const SERIES_BELOW = 1.5;
const MAX_TERMS = 10_000;

/**
 * erf(x) for 0 ≤ x < SERIES_BELOW by the series (2/√π) e^{−x²} Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): every term is
 * positive, so nothing cancels (the alternating Taylor series loses digits to cancellation as x grows).
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * log(erfc(x)) − (−x²) for x ≥ SERIES_BELOW, i.e. log(√π · e^{x²} erfc(x)) − log √π, from the continued fraction
 * erfc(x) = (e^{−x²}/√π) / (x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), evaluated by the modified Lentz method. All
 * its partial numerators are positive, so the evaluation is stable; keeping e^{−x²} apart means no underflow for
 * large x (log erfc(40) is about −1604). From x = 1.5 it converges in under 100 steps.
 */
function logErfcScaledTail(x: number): number {
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -Math.log(f) - LOG_SQRT_PI;
}

/**
 * log(erfc(x)), accurate to about 1e-14 relative (1e-16 absolute near 0) for every finite x (checked against scipy's log_ndtr): the role of
 * Opacus' `_log_erfc`, used by the two-series RDP of fractional orders.
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x === -Infinity) return Math.LN2;
  const ax = Math.abs(x);
  if (x >= SERIES_BELOW) return -x * x + logErfcScaledTail(x);
  if (x >= 0) return Math.log1p(-erfSeries(x));
  // erfc(−|x|) = 1 + erf(|x|) = 2 − erfc(|x|): no cancellation, the value lies in (1, 2).
  if (ax < SERIES_BELOW) return Math.log1p(erfSeries(ax));
  return Math.log(2 - Math.exp(-ax * ax + logErfcScaledTail(ax)));
}

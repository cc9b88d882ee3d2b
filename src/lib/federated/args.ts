/**
 * Argument checks shared by the privacy pieces of the federated mode. Each throws EnclaveError('invalid-argument')
 * with a message that names the parameter, the range it must lie in and the value it got, so a person setting up a
 * federated run (or the `privacy` command) can fix it without reading code.
 */
// The one "throw EnclaveError('invalid-argument', …)" helper (core/metrics/input.ts), not a copy of it.
import { invalid } from '../core/metrics/input.ts';

export { invalid };

const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

/** The sampling rate q: the share of clients (or rows) taking part in one round, in (0, 1]. */
export function checkSamplingRate(q: unknown): number {
  if (typeof q !== 'number' || !(q > 0 && q <= 1))
    invalid(`The sampling rate q must be a number in (0, 1] (the share of clients taking part in a round); got ${show(q)}.`, { q });
  return q;
}

/** The noise multiplier σ (noise standard deviation ÷ clipping bound): finite, ≥ 0. */
export function checkNoiseMultiplier(sigma: unknown): number {
  if (typeof sigma !== 'number' || !(sigma >= 0) || sigma === Infinity)
    invalid(`The noise multiplier sigma must be a finite number ≥ 0 (noise standard deviation ÷ clipping bound); got ${show(sigma)}.`, { sigma });
  return sigma;
}

/** The number of rounds (steps) composed: a whole number ≥ 0. */
export function checkSteps(steps: unknown): number {
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 0)
    invalid(`The number of steps must be a whole number ≥ 0; got ${show(steps)}.`, { steps });
  return steps;
}

/** δ of (ε, δ)-DP, in (0, 1); usually well below 1 / (number of people in the data). */
export function checkDelta(delta: unknown): number {
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1))
    invalid(`delta must be a number in (0, 1), usually below 1 / (number of people in the data); got ${show(delta)}.`, { delta });
  return delta;
}

/** One Rényi order α: finite, > 1. */
export function checkOrder(order: unknown): number {
  if (typeof order !== 'number' || !(order > 1) || order === Infinity)
    invalid(`A Rényi order must be a finite number > 1; got ${show(order)}.`, { order });
  return order;
}

/** A non-empty list of Rényi orders, each finite and > 1. */
export function checkOrders(orders: unknown): ArrayLike<number> {
  if (!(Array.isArray(orders) || orders instanceof Float64Array) || orders.length === 0)
    invalid('The Rényi orders must be a non-empty list of numbers > 1.');
  for (let i = 0; i < orders.length; i++) checkOrder(orders[i]);
  return orders;
}

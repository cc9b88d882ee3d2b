/**
 * Clipping a client's model update to L2 norm ≤ C: what bounds one client's influence on the aggregate (its
 * sensitivity), so that Gaussian noise of standard deviation σC makes the round (sampled) Gaussian with noise
 * multiplier σ. Updates are Float32Array (the weights' own precision); norms are summed in float64.
 */
import { EnclaveError } from '../core/errors.ts';
import { invalid } from './args.ts';

/** ‖v‖₂, summed in float64 (a float32 sum of a million squares would lose its last digits). */
export function l2Norm(v: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/**
 * Shrinks the scale factor by one float32 ulp: rounding each scaled coordinate to float32 can raise the norm by up
 * to 2⁻²⁴ relative, and the bound ‖·‖ ≤ C is the privacy guarantee, so it must hold after rounding, not before.
 * The clipped norm lies in [C(1 − 2⁻²²), C].
 */
const ROUNDING_MARGIN = 1 - 2 ** -23;

/**
 * A copy of `delta` scaled by min(1, C/‖delta‖): unchanged (equal values) when its norm is already ≤ C, so a zero
 * update stays zero. Non-finite values throw EnclaveError('non-finite'): their norm is not a number, and one such
 * update would turn the whole aggregate into NaN.
 */
export function clipUpdate(delta: Float32Array, C: number): Float32Array {
  if (!(delta instanceof Float32Array)) invalid('The update to clip must be a Float32Array.');
  if (typeof C !== 'number' || !(C > 0) || C === Infinity) invalid(`The clipping bound C must be a finite number > 0; got ${String(C)}.`, { C });
  const norm = l2Norm(delta);
  if (!Number.isFinite(norm)) {
    const at = delta.findIndex((x) => !Number.isFinite(x));
    throw new EnclaveError('non-finite', `The update holds a non-finite value (${delta[at]} at coordinate ${at}); it cannot be clipped.`, { coordinate: at });
  }
  if (norm <= C) return delta.slice();
  const factor = (C / norm) * ROUNDING_MARGIN;
  const out = new Float32Array(delta.length);
  for (let i = 0; i < delta.length; i++) out[i] = delta[i] * factor;
  return out;
}

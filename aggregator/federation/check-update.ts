/**
 * The value checks of an uploaded update, after its length: every value finite, and its L2 norm within the bound an
 * honest client (clip to C, then Gaussian noise of scale zC) stays under except with probability 1e-9
 * (updateNormBound in the protocol). Norms are summed in float64.
 */
import { float32View, updateNormBound, type FederationSettings } from '../../src/lib/federated/protocol.ts';
import { ApiError } from './api-error.ts';

export function checkUpdateValues(bytes: Uint8Array, settings: FederationSettings): Float32Array {
  const values = float32View(bytes);
  // One pass for the norm: a NaN or ±Infinity makes the sum non-finite, and only then is the culprit looked for.
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  if (!Number.isFinite(squares)) {
    const i = values.findIndex((x) => !Number.isFinite(x));
    // (All finite but the squares overflowed: the norm check below refuses it.)
    if (i >= 0) throw new ApiError(400, 'non-finite', `The update's value at index ${i} is ${values[i]}: every value must be a finite number.`, { index: i, value: String(values[i]) });
  }
  const bound = updateNormBound(settings.parameterCount, settings.clipNorm, settings.noiseMultiplier);
  const norm = Math.sqrt(squares);
  if (!(norm <= bound)) {
    throw new ApiError(
      400,
      'norm-too-large',
      `The update's L2 norm is ${norm.toPrecision(6)}, over the bound ${bound.toPrecision(6)} that an update clipped to C = ${settings.clipNorm} with noise multiplier z = ${settings.noiseMultiplier} stays under.`,
      { norm, bound }
    );
  }
  return values;
}

/**
 * Staged rollout: which rows a challenger model answers while it earns trust. Each row key is hashed with a seed to a
 * number u, uniform in [0, 1); the row goes to the challenger iff u < share. So the same row always gets the same
 * model for a given seed and share, about `share` of the rows go to the challenger, and raising the share only moves
 * rows from the champion to the challenger (a row the challenger answered at 5% it still answers at 25%, 50%, 100%):
 * nobody flips back and forth between models as the rollout advances.
 *
 * The hash is MurmurHash3 x86 32-bit over the key's UTF-8 bytes with the seed as its seed (the same function as
 * scikit-learn's `sklearn.utils.murmurhash3_32(key, seed, positive=True)`): synchronous (SHA-256 in Web Crypto is
 * async only), fast, and well mixed in every bit, so h / 2³² is close to uniform. Not a secret: anyone with the seed
 * can tell which rows go where, which is fine for routing. A number key hashes as its decimal text (5 and "5" are the
 * same row), as an integer identifier column stands for its text everywhere in Enclave.
 */
import { EnclaveError } from './errors.ts';
import { checkSeed } from './seed.ts';

/** The shares of rows the challenger answers at each stage of a rollout. */
export const ROLLOUT_STAGES = [0.05, 0.25, 0.5, 1] as const;

export type RolloutArm = 'champion' | 'challenger';

const encoder = new TextEncoder();

/** MurmurHash3 x86 32-bit of the bytes, with a 32-bit seed; an unsigned 32-bit integer. */
export function murmur3(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51, c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (bytes.length & 3) {
    case 3: k ^= bytes[blocks + 2] << 16; // falls through
    case 2: k ^= bytes[blocks + 1] << 8; // falls through
    case 1:
      k ^= bytes[blocks];
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function keyText(rowKey: string | number): string {
  if (typeof rowKey === 'string') return rowKey;
  if (typeof rowKey === 'number' && Number.isFinite(rowKey)) return String(rowKey);
  throw new EnclaveError('invalid-argument', `A row key must be text or a finite number; got ${String(rowKey)}.`);
}

/** The row's position in [0, 1) for this seed: murmur3(key, seed) / 2³². */
export function rolloutPosition(rowKey: string | number, seed: number): number {
  return murmur3(encoder.encode(keyText(rowKey)), checkSeed(seed)) / 4294967296;
}

/** Which model answers the row when the challenger has `share` (0 to 1) of the rows. */
export function rolloutArm(rowKey: string | number, share: number, seed: number): RolloutArm {
  if (!(share >= 0 && share <= 1))
    throw new EnclaveError('invalid-argument', `The challenger's share of rows must be between 0 and 1; got ${share}.`, { share });
  return rolloutPosition(rowKey, seed) < share ? 'challenger' : 'champion';
}

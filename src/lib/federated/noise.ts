/**
 * Gaussian noise for a clipped update (the "Gaussian" of the sampled Gaussian mechanism). The bits come from the
 * platform's cryptographic generator (globalThis.crypto.getRandomValues, in browsers and Node 20), never from the
 * seeded PRNG of core/random.ts: noise that can be replayed from a seed protects nothing.
 *
 * Normals by Box–Muller on 53-bit uniforms, each built from two uint32: a fixed four uint32 per pair of normals, so
 * the bits needed are known in advance and drawn in chunks (getRandomValues refuses more than 65,536 bytes a call).
 * The first uniform lies in (0, 1], so log(u) is never log(0) and every draw is finite (|z| ≤ √(106 ln 2) ≈ 8.57).
 * Like Opacus' default sampler this is floating-point noise, not a discrete or "secure" Gaussian (Mironov 2012 shows
 * that the low bits of floating-point samples can leak); it is what DP-SGD libraries ship.
 */
import { EnclaveError } from '../core/errors.ts';
import { invalid } from './args.ts';

/** Fills its argument with uniformly random 32-bit words. */
export type RandomFill = (out: Uint32Array) => void;

/** getRandomValues' limit: 65,536 bytes = 16,384 uint32 per call. */
export const MAX_RANDOM_WORDS = 16_384;

const TWO_POW_26 = 2 ** 26;
const TWO_POW_MINUS_53 = 2 ** -53;
const TWO_PI = 2 * Math.PI;

function cryptoFill(): RandomFill {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (!c || typeof c.getRandomValues !== 'function')
    throw new EnclaveError('internal', 'No cryptographic random generator (crypto.getRandomValues) is available here; noise cannot be drawn.');
  return (out) => { c.getRandomValues(out); };
}

/**
 * A copy of `update` with independent N(0, std²) noise added to each coordinate (rounded to float32). std = 0
 * returns an exact copy. `random` is for tests only (to check chunking and determinism); production code leaves it
 * out and gets crypto.getRandomValues.
 */
export function addGaussianNoise(update: Float32Array, std: number, random?: RandomFill): Float32Array {
  if (!(update instanceof Float32Array)) invalid('The update to add noise to must be a Float32Array.');
  if (typeof std !== 'number' || !(std >= 0) || std === Infinity)
    invalid(`The noise standard deviation must be a finite number ≥ 0; got ${String(std)}.`, { std });
  const out = update.slice();
  if (std === 0 || out.length === 0) return out;
  const fill = random ?? cryptoFill();
  const n = out.length;
  const words = new Uint32Array(Math.min(MAX_RANDOM_WORDS, 4 * Math.ceil(n / 2)));
  let w = words.length; // next unread word; starts "used up" so the first pair fills the buffer
  for (let i = 0; i < n; i += 2) {
    if (w === words.length) {
      // Draw only the words still needed, so a short tail does not pull a whole chunk of randomness.
      const left = 4 * Math.ceil((n - i) / 2);
      fill(left < words.length ? words.subarray(0, left) : words);
      w = 0;
    }
    // 53-bit integers from (27 + 26) bits of two words; u1 in (0, 1] (never 0), u2 in [0, 1).
    const u1 = ((words[w] >>> 5) * TWO_POW_26 + (words[w + 1] >>> 6) + 1) * TWO_POW_MINUS_53;
    const u2 = ((words[w + 2] >>> 5) * TWO_POW_26 + (words[w + 3] >>> 6)) * TWO_POW_MINUS_53;
    w += 4;
    const r = std * Math.sqrt(-2 * Math.log(u1));
    out[i] += r * Math.cos(TWO_PI * u2);
    if (i + 1 < n) out[i + 1] += r * Math.sin(TWO_PI * u2);
  }
  return out;
}

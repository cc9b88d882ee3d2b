/**
 * Ascending in-place sort of NaN-free doubles: an LSD radix sort on the IEEE-754 bits (16-bit digits, passes where
 * every key shares the digit skipped), 2.5–4× faster than Float64Array.prototype.sort on a million values. Needs one
 * scratch copy. Small arrays and big-endian hosts use the built-in sort. Same order as the built-in (-0 before 0).
 */
import { decimalCounts, writeSorted } from './decimal-counts.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function sortFloat64(a: Float64Array, scratch?: SortScratch): Float64Array {
  const n = a.length;
  if (n < 1 << 15 || !LITTLE_ENDIAN) return a.sort();
  if (countDecimals(a, scratch)) return a;
  let src: Uint32Array = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let dst: Uint32Array = scratch && scratch.words.length >= 2 * n ? scratch.words.subarray(0, 2 * n) : new Uint32Array(2 * n);
  const counts = scratch ? scratch.counts.fill(0) : new Uint32Array(4 * 65536);
  // Map each double to an unsigned key in the same order: flip all bits of negatives, the sign bit of the rest.
  for (let i = 0; i < 2 * n; i += 2) {
    let lo = src[i], hi = src[i + 1];
    if (hi & 0x80000000) (hi = ~hi >>> 0), (lo = ~lo >>> 0);
    else hi = (hi | 0x80000000) >>> 0;
    src[i] = lo;
    src[i + 1] = hi;
    counts[lo & 0xffff]++;
    counts[65536 + (lo >>> 16)]++;
    counts[131072 + (hi & 0xffff)]++;
    counts[196608 + (hi >>> 16)]++;
  }
  for (let p = 0; p < 4; p++) {
    const base = p * 65536, word = p >> 1, shift = (p & 1) * 16;
    if (counts[base + ((src[word] >>> shift) & 0xffff)] === n) continue;
    for (let d = 0, sum = 0; d < 65536; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < 2 * n; i += 2) {
      const lo = src[i], hi = src[i + 1];
      const at = 2 * counts[base + (((word ? hi : lo) >>> shift) & 0xffff)]++;
      dst[at] = lo;
      dst[at + 1] = hi;
    }
    [src, dst] = [dst, src];
  }
  for (let i = 0; i < 2 * n; i += 2) {
    let lo = src[i], hi = src[i + 1];
    if (hi & 0x80000000) hi = (hi & 0x7fffffff) >>> 0;
    else (hi = ~hi >>> 0), (lo = ~lo >>> 0);
    src[i] = lo;
    src[i + 1] = hi;
  }
  if (src.buffer !== a.buffer) a.set(new Float64Array(src.buffer, src.byteOffset, n));
  return a;
}

/** Working memory for sortFloat64, to reuse across sorts of up to `n` values (fresh memory costs page faults). */
export interface SortScratch {
  words: Uint32Array;
  counts: Uint32Array;
}

export function sortScratch(n: number): SortScratch {
  return { words: new Uint32Array(2 * n), counts: new Uint32Array(4 * 65536) };
}

/**
 * Values of up to 6 decimals whose keys span at most 2n steps (and 4M at most): counted and written back bit for bit
 * (decimal-counts.ts) instead of sorted; a 5M-value column of 4 decimals in about a quarter of the radix sort's time.
 * False (nothing changed) for anything else: more decimals, a wider range, infinities.
 */
export function countDecimals(a: Float64Array, scratch?: SortScratch): boolean {
  const n = a.length;
  const dc = decimalCounts(a, null, n, { maxRange: Math.min(1 << 22, 2 * n) - 1, counts: scratch?.words });
  if (!dc) return false;
  writeSorted(dc, a);
  return true;
}

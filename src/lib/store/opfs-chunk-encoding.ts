/**
 * How a chunk's parts are stored in a format-2 chunk file (opfs-chunk-file.ts documents the format). A prepared split
 * is mostly one-hot indicator columns: float64 values that are all +0 or 1.0 (8 bytes a cell where 1 bit says it)
 * and a validity mask of 1s (a byte a cell that says nothing). Both are recognised here, per chunk, and written small;
 * anything else is written raw, as in format 1. Decoding gives back exactly the raw bytes.
 */

/** values: the chunk's own bytes. */
export const VALUES_RAW = 0;
/** values: float64 values that are all +0 or 1.0, one bit a row (see packZeroOne). */
export const VALUES_BITS = 1;
/** valid: the chunk's own bytes (one a row). */
export const VALID_RAW = 0;
/** valid: every row present (every byte 1); nothing stored. */
export const VALID_ALL = 1;

// The bit test reads float64 values as pairs of 32-bit words, low word first; elsewhere (no such browser is known)
// every chunk stays raw.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** The high word of 1.0 (its low word, like both words of +0, is 0). */
const ONE_HIGH = 0x3ff00000;

/** The bytes as 32-bit words (a copy only when the view does not start on a 4-byte boundary). */
function words(b: Uint8Array): Uint32Array {
  const n = b.byteLength >> 2;
  return b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, n) : new Uint32Array(b.slice(0, n * 4).buffer);
}

/** Bytes a bit-packed chunk of `rows` rows takes. */
export const packedBytes = (rows: number) => Math.ceil(rows / 8);

/**
 * A chunk's float64 values (raw bytes, `rows` of them) as one bit a row, or undefined unless every value is exactly
 * +0 or 1.0 (-0, NaN and the rest keep their bytes). Row r is bit (r mod 8) of byte ⌊r / 8⌋, least significant bit
 * first; the unused high bits of the last byte are 0.
 */
export function packZeroOne(values: Uint8Array, rows: number): Uint8Array | undefined {
  if (!LITTLE_ENDIAN || values.byteLength !== rows * 8) return undefined;
  const w = words(values);
  const out = new Uint8Array(packedBytes(rows));
  // Without branches on the data (a one-hot column's 1s fall at random): b is bit 29 of the high word, set in 1.0's
  // and not in +0's; the value is +0 or 1.0 exactly when its low word is 0 and its high word is b ? 1.0's : 0. Any
  // other value leaves `bad` non-zero, checked once a byte.
  let bad = 0;
  let i = 0;
  for (let byte = 0; byte < out.length; byte++) {
    const end = Math.min(2 * rows, i + 16);
    let bits = 0;
    for (let k = 0; i < end; k++, i += 2) {
      const high = w[i + 1];
      const b = (high >>> 29) & 1;
      bad |= w[i] | (high ^ (-b & ONE_HIGH));
      bits |= b << k;
    }
    if (bad !== 0) return undefined;
    out[byte] = bits;
  }
  return out;
}

/** Whether the unused high bits of a packed chunk's last byte are 0 (a writer never sets them). */
export function paddingIsClear(packed: Uint8Array, rows: number): boolean {
  const used = rows % 8;
  return used === 0 || packed.length === 0 || packed[packed.length - 1] >> used === 0;
}

/** The raw float64 bytes of a packed chunk: 1.0 where a bit is set, +0 elsewhere. */
export function unpackZeroOne(packed: Uint8Array, rows: number): ArrayBuffer {
  const out = new Float64Array(rows); // +0 already
  for (let byte = 0; byte < packed.length; byte++) {
    const bits = packed[byte];
    if (bits === 0) continue; // most bytes of a one-hot column
    const base = byte * 8;
    for (let k = 0; k < 8; k++) if (bits & (1 << k)) out[base + k] = 1;
  }
  return out.buffer;
}

/** Whether every byte of a validity mask is 1. */
export function allPresent(valid: Uint8Array): boolean {
  let i = 0;
  if (valid.byteOffset % 4 === 0) {
    const w = new Uint32Array(valid.buffer, valid.byteOffset, valid.byteLength >> 2);
    for (let k = 0; k < w.length; k++) if (w[k] !== 0x01010101) return false;
    i = w.length * 4;
  }
  for (; i < valid.byteLength; i++) if (valid[i] !== 1) return false;
  return true;
}

/** The masks presentMask has made, by row count (a version's chunks have one size, and a shorter last one). */
const masks = new Map<number, ArrayBuffer>();

/**
 * A validity mask of `rows` rows, all present: the same buffer for every chunk of that size, for readers that only read
 * it (load-table.ts copies it into its column). Reading a 3M-row split of 137 columns made 6,300 of them, 0.4 GB.
 */
export function presentMask(rows: number): ArrayBuffer {
  let mask = masks.get(rows);
  if (!mask || mask.byteLength !== rows) {
    if (masks.size >= 8) masks.clear();
    masks.set(rows, (mask = new Uint8Array(rows).fill(1).buffer));
  }
  return mask;
}

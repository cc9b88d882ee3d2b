import type { Column, Table } from '../table.ts';
import { firstAppearance } from './first-appearance.ts';
import { indicatorBits } from '../indicator-column.ts';

/**
 * Rows equal to an earlier row in every column, as pandas `df.duplicated().sum()`: missing equals missing (a NaN
 * flagged present counts as missing), 0 equals -0. O(rows · columns) time and O(rows) memory: a 32-bit row hash is
 * folded column by column from integer cell keys, and rows go into an open-addressing table where a hash match is
 * confirmed cell by cell, so collisions never miscount.
 */
export function duplicateRows(table: Table): number {
  const n = table.rowCount;
  if (n < 2 || table.columns.length === 0) return 0;
  // A key column (distinct ascending values, at most one missing: an `id`) makes every row distinct.
  // (An indicator column, 0/1, is never one past two rows: not looked at, so its doubles are not made.)
  if (table.columns.some((c) => c.kind === 'numeric' && !indicatorBits(c) && isAscendingKey(c.values, c.valid, n))) return 0;
  const hash = new Int32Array(n).fill(0x811c9dc5);
  const equal = table.columns.map((c) => foldColumn(c, n, hash));
  let size = 1;
  while (size < n * 2) size <<= 1;
  const mask = size - 1;
  // Slot s holds [row, row hash] side by side: one cache line per probe.
  const slots = new Int32Array(2 * size).fill(-1);
  let dups = 0;
  for (let r = 0; r < n; r++) {
    const h = fmix(hash[r]);
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const q = slots[2 * s];
      if (q === -1) {
        slots[2 * s] = r;
        slots[2 * s + 1] = h;
        break;
      }
      if (slots[2 * s + 1] === h && rowsEqual(equal, q, r)) {
        dups++;
        break;
      }
    }
  }
  return dups;
}

/** Present values strictly ascending (so all distinct; a NaN stops it), with at most one cell missing. */
function isAscendingKey(values: Float64Array, valid: Uint8Array, n: number): boolean {
  let missing = 0;
  let prev = -Infinity;
  for (let r = 0; r < n; r++) {
    if (!valid[r]) {
      if (++missing > 1) return false;
      continue;
    }
    const v = values[r];
    if (!(v > prev)) return false;
    prev = v;
  }
  return true;
}

function rowsEqual(equal: ((a: number, b: number) => boolean)[], a: number, b: number): boolean {
  for (const eq of equal) if (!eq(a, b)) return false;
  return true;
}

/** Key of a missing cell. A present cell with the same key only collides in the hash; the cell check tells them apart. */
const MISSING = 0x7ff80001;

/** Mixes the column's cell keys into `hash` and returns its cell-equality test. */
function foldColumn(col: Column, n: number, hash: Int32Array): (a: number, b: number) => boolean {
  const valid = col.valid;
  if (col.kind === 'string') {
    const { remap } = firstAppearance(col, n);
    const codes = col.codes;
    for (let r = 0; r < n; r++) hash[r] = mix(hash[r], valid[r] ? remap[codes[r]] : MISSING);
    return (a, b) => (valid[a] && valid[b] ? remap[codes[a]] === remap[codes[b]] : !valid[a] && !valid[b]);
  }
  const bits = indicatorBits(col);
  if (bits) {
    // An indicator column (every cell present, 0 or 1), from its bits. Only the rows whose bit is set are mixed (a
    // one-hot level is set in few rows): equal rows still fold to equal hashes, and the cell check confirms a match.
    for (let b = 0; b < bits.length; b++) {
      let byte = bits[b];
      while (byte) {
        const low = byte & -byte;
        const r = b * 8 + 31 - Math.clz32(low);
        if (r < n) hash[r] = mix(hash[r], 0x3ff00000);
        byte ^= low;
      }
    }
    const bit = (r: number) => (bits[r >> 3] >> (r & 7)) & 1;
    return (a, b) => bit(a) === bit(b);
  }
  const values = col.values;
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (!valid[r] || v !== v) hash[r] = mix(mix(hash[r], MISSING), MISSING);
    else if (v === 0) hash[r] = mix(mix(hash[r], 0), 0); // 0 and -0 are equal
    else hash[r] = mix(mix(hash[r], words[2 * r]), words[2 * r + 1]);
  }
  const present = (r: number) => valid[r] && values[r] === values[r];
  return (a, b) => (present(a) && present(b) ? values[a] === values[b] : !present(a) && !present(b));
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A column of 0/1 indicators (one-hot output) held as bits — bit r % 8 of byte ⌊r / 8⌋ is row r — with every cell
 * present: an eighth of a byte a cell where a NumericColumn's values take eight (5M rows × 120 indicators: 75 MB
 * instead of 4.8 GB). It is an ordinary NumericColumn to every reader: `values` is made from the bits the first time
 * something reads it, and kept. Readers that take the bits (indicatorBits) never make it: the matrix builder, the
 * counted statistics of the checks and profiles, the content hash, releaseTable.
 *
 * Columns are never written in place, so bits and values always agree. The bits live beside the column (a WeakMap),
 * not on it: a copy such as `{ ...col, name }` reads `values` and is a plain column, so a step that replaces a
 * column's values can never leave stale bits behind.
 */
import type { Column, NumericColumn, NumericType } from './table.ts';

interface Lazy {
  bits: Uint8Array;
  rowCount: number;
  values?: Float64Array;
}

const lazy = new WeakMap<object, Lazy>();

/**
 * A column of 0/1 from its bits ('integer' unless said: a stored 0/1 column read back keeps its type); `valid` must
 * mark every row present (it may be shared between columns).
 */
export function indicatorColumn(name: string, bits: Uint8Array, valid: Uint8Array, rowCount: number, type: NumericType = 'integer'): NumericColumn {
  const state: Lazy = { bits, rowCount };
  const col = { kind: 'numeric', name, type, valid } as { kind: 'numeric'; name: string; type: NumericType; valid: Uint8Array; values: Float64Array };
  Object.defineProperty(col, 'values', { enumerable: true, get: () => (state.values ??= expandBits(bits, rowCount)) });
  lazy.set(col, state);
  return col;
}

/** The bits of an indicator column (whether or not its values were made too); undefined for any other column. */
export function indicatorBits(col: Column): Uint8Array | undefined {
  return lazy.get(col)?.bits;
}

/** A column's value arrays that exist now: for an indicator column not read as numbers, none (its bits instead). */
export function madeValues(col: Column): ArrayBuffer[] {
  const s = lazy.get(col);
  if (!s) return [(col.kind === 'numeric' ? col.values.buffer : col.codes.buffer) as ArrayBuffer];
  return s.values ? [s.bits.buffer as ArrayBuffer, s.values.buffer as ArrayBuffer] : [s.bits.buffer as ArrayBuffer];
}

/** Rows [0, n) of packed bits as 0/1 doubles. */
export function expandBits(bits: Uint8Array, n: number, from = 0): Float64Array {
  const out = new Float64Array(n - from);
  for (let i = from; i < n; i++) out[i - from] = (bits[i >> 3] >> (i & 7)) & 1;
  return out;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let x = b; x; x >>= 1) c += x & 1;
  return c;
});

/** How many of rows [0, n) are 1. */
export function countOnes(bits: Uint8Array, n: number): number {
  let ones = 0;
  const whole = n >> 3;
  for (let i = 0; i < whole; i++) ones += POPCOUNT[bits[i]];
  for (let i = whole << 3; i < n; i++) ones += (bits[i >> 3] >> (i & 7)) & 1;
  return ones;
}

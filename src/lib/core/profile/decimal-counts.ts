/**
 * Numbers written with few decimals (prices, readings, counts: most of what a CSV holds), held as counts per step of
 * their last decimal. With k the decimals, each value v has an integer key r = round(v · 10^k) with r / 10^k === v
 * exactly: r stands for v one to one and in order, so counts by key are the sorted values, and writeSorted writes
 * them back bit for bit (r / 10^k is v). Counting takes two passes that scatter nothing across memory, where a sort
 * of millions of doubles is bound by its scattered writes.
 */
import type { NumericColumn } from '../table.ts';

export interface DecimalCounts {
  /** 10^k, k the decimals. */
  scale: number;
  /** counts[i] is how many values have key lo + i. */
  lo: number;
  counts: Uint32Array;
  /** How many of the values at key 0 are -0 (kept apart from 0, and before it, as a sort puts them). */
  negativeZeros: number;
  /** How many values in all. */
  size: number;
}

/** 10^k for the decimals tried. */
const POWERS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/**
 * The counts of values[0, n) (with `valid`: only present, finite values, the rest skipped; without: every value, and
 * null at a value that is not finite), or null when a value has more than 6 decimals or the keys span more than
 * `maxRange` steps. `counts`: memory to count in, when it is large enough (else a new array).
 */
export function decimalCounts(values: Float64Array, valid: Uint8Array | null, n: number, opts: { maxRange: number; counts?: Uint32Array }): DecimalCounts | null {
  return guessed(values, valid, n, opts) ?? measured(values, valid, n, opts);
}

/** Values looked at to guess the decimals and the range. */
const PREFIX = 4096;

/**
 * One pass, counting from the start: the decimals and range guessed from the first values (the range widened by its
 * own width on each side), null as soon as a value falls outside the guess. Two and a half times as fast as
 * measuring first where the guess holds, as it does for values in no particular order.
 */
function guessed(values: Float64Array, valid: Uint8Array | null, n: number, opts: { maxRange: number; counts?: Uint32Array }): DecimalCounts | null {
  let k = 0, p = 1, min = Infinity, max = -Infinity;
  for (let i = 0, seen = 0; i < n && seen < PREFIX; i++) {
    const v = values[i];
    if (valid && (!valid[i] || v - v !== 0)) continue;
    while (Math.round(v * p) / p !== v) {
      if (++k === POWERS.length) return null;
      p = POWERS[k];
    }
    if (v < min) min = v;
    if (v > max) max = v;
    seen++;
  }
  if (!(min <= max)) return null;
  const width = Math.round(max * p) - Math.round(min * p);
  const lo = Math.round(min * p) - width, hi = Math.round(max * p) + width;
  if (!(hi - lo <= opts.maxRange)) return null;
  const counts = opts.counts && opts.counts.length > hi - lo ? opts.counts.subarray(0, hi - lo + 1).fill(0) : new Uint32Array(hi - lo + 1);
  let size = 0, negativeZeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (valid && (!valid[i] || v - v !== 0)) continue;
    const key = Math.round(v * p);
    if (key / p !== v || !(key >= lo && key <= hi)) return null; // NaN and ±Infinity end here too
    counts[key - lo]++;
    size++;
    if (v === 0 && 1 / v < 0) negativeZeros++;
  }
  return { scale: p, lo, counts, negativeZeros, size };
}

/** Two passes: the decimals and the range measured over every value, then the counts. */
function measured(values: Float64Array, valid: Uint8Array | null, n: number, opts: { maxRange: number; counts?: Uint32Array }): DecimalCounts | null {
  let k = 0, p = 1, min = Infinity, max = -Infinity, negativeZeros = 0, size = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (valid && (!valid[i] || v - v !== 0)) continue;
    while (Math.round(v * p) / p !== v) {
      if (++k === POWERS.length) return null; // NaN and ±Infinity end here too
      p = POWERS[k];
    }
    size++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0 && 1 / v < 0) negativeZeros++;
  }
  if (size === 0) return null;
  const lo = Math.round(min * p);
  const range = Math.round(max * p) - lo;
  if (!(range <= opts.maxRange)) return null;
  const counts = opts.counts && opts.counts.length > range ? opts.counts.subarray(0, range + 1).fill(0) : new Uint32Array(range + 1);
  if (valid) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (valid[i] && v - v === 0) counts[Math.round(v * p) - lo]++;
    }
  } else for (let i = 0; i < n; i++) counts[Math.round(values[i] * p) - lo]++;
  return { scale: p, lo, counts, negativeZeros, size };
}

/**
 * The counted values ascending into out[0, size): each passed through `map` (non-decreasing) when given; with `fill`,
 * `fill.count` copies of `fill.value` among them, where a sort would put them. Returns how many were written.
 */
export function writeSorted(dc: DecimalCounts, out: Float64Array, map?: (x: number) => number, fill?: { value: number; count: number }): number {
  const { scale, lo, counts } = dc;
  let at = 0;
  if (!dc.negativeZeros && !(fill && fill.count > 0)) {
    // The common case, in one tight loop.
    for (let r = 0; r < counts.length; r++) {
      const c = counts[r];
      if (!c) continue;
      const y = map ? map((r + lo) / scale) : (r + lo) / scale;
      for (const end = at + c; at < end; at++) out[at] = y;
    }
    return at;
  }
  let pending = fill && fill.count > 0 ? fill : null;
  const put = (y: number, c: number) => {
    if (pending && comesAfter(y, pending.value)) {
      for (const end = at + pending.count; at < end; at++) out[at] = pending.value;
      pending = null;
    }
    for (const end = at + c; at < end; at++) out[at] = y;
  };
  for (let r = 0; r < counts.length; r++) {
    const c = counts[r];
    if (!c) continue;
    const x = (r + lo) / scale;
    if (x === 0 && dc.negativeZeros) {
      put(map ? map(-0) : -0, dc.negativeZeros);
      if (c > dc.negativeZeros) put(map ? map(0) : 0, c - dc.negativeZeros);
    } else put(map ? map(x) : x, c);
  }
  if (pending) for (const end = at + pending.count; at < end; at++) out[at] = pending.value;
  return at;
}

/** Whether y sorts after f (a copy of f goes before y): y > f, or y is 0 and f is -0. */
function comesAfter(y: number, f: number): boolean {
  return y > f || (y === 0 && f === 0 && 1 / f < 0 && 1 / y > 0);
}

/** Fewer rows than this are sorted as they are (counting would not pay). */
export const COUNTED_FROM_ROWS = 1 << 15;

const byColumn = new WeakMap<NumericColumn, DecimalCounts | null>();

/**
 * A column's present finite values as decimal counts (kept: columns are never written in place), or null: fewer than
 * COUNTED_FROM_ROWS rows, values that are not decimals, or keys spanning more steps than rows (or 2^20 at most: the
 * counts are kept with the column, so they stay small).
 */
export function decimalCountsOf(col: NumericColumn): DecimalCounts | null {
  let dc = byColumn.get(col);
  if (dc === undefined) {
    const n = col.valid.length;
    dc = n < COUNTED_FROM_ROWS ? null : decimalCounts(col.values, col.valid, n, { maxRange: Math.min(1 << 20, n) });
    byColumn.set(col, dc);
  }
  return dc;
}

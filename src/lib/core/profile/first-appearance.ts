import { NumberIndex } from '../number-index.ts';
import type { NumericColumn, StringColumn } from '../table.ts';

export interface FirstAppearance {
  /** Dictionary code → canonical id, or -1 for a code no present row uses. */
  remap: Int32Array;
  /** The distinct present strings, in order of first appearance over present rows (canonical id order). */
  values: string[];
}

/**
 * Canonical codes for a string column: ids given in order of first appearance, keyed by the string itself, so two
 * columns with the same cells get the same ids whatever their dictionary order (and unused or repeated dictionary
 * entries do not matter).
 */
export function firstAppearance(col: StringColumn, rowCount = col.codes.length): FirstAppearance {
  const { codes, valid, dictionary } = col;
  const remap = new Int32Array(dictionary.length).fill(-1);
  const values: string[] = [];
  const byString = new Map<string, number>();
  let unseen = dictionary.length;
  for (let r = 0; r < rowCount && unseen > 0; r++) {
    if (!valid[r]) continue;
    const c = codes[r];
    if (remap[c] !== -1) continue;
    const s = dictionary[c];
    let id = byString.get(s);
    if (id === undefined) {
      id = values.length;
      byString.set(s, id);
      values.push(s);
    }
    remap[c] = id;
    unseen--;
  }
  return { remap, values };
}

/** Canonical ids of a numeric 'identifier' column, keyed by the value's text String(v) (so 0 and -0 are one id). */
export interface NumericFirstAppearance {
  /**
   * Row → canonical id (meaningless where absent); null when every present value is distinct and ascending (the
   * usual 1..n key), where the ids are simply 0, 1, 2 … over present rows.
   */
  ids: Int32Array | null;
  /** The distinct present values, in order of first appearance over present rows (canonical id order). */
  values: Float64Array;
}

export function numericFirstAppearance(col: NumericColumn, rowCount = col.values.length): NumericFirstAppearance {
  const { values, valid } = col;
  let present = 0;
  let prev = -Infinity;
  let ascending = true;
  for (let r = 0; r < rowCount; r++) {
    if (!valid[r]) continue;
    const v = values[r];
    if (!(v > prev)) { ascending = false; break; } // also stops at NaN
    prev = v;
    present++;
  }
  if (ascending) {
    if (present === rowCount) return { ids: null, values: values.subarray(0, rowCount) };
    const out = new Float64Array(present);
    for (let r = 0, k = 0; r < rowCount; r++) if (valid[r]) out[k++] = values[r];
    return { ids: null, values: out };
  }
  const index = new NumberIndex(1024);
  const ids = new Int32Array(rowCount);
  for (let r = 0; r < rowCount; r++) if (valid[r]) ids[r] = index.add(values[r]);
  return { ids, values: index.values.slice(0, index.size) };
}

const POW10 = Array.from({ length: 17 }, (_, i) => 10 ** i); // exact doubles

/** The length of String(v) (ASCII, so also its UTF-8 length and code points), without building it for integers. */
export function decimalLength(v: number): number {
  if (!Number.isSafeInteger(v)) return String(v).length;
  const a = v < 0 ? -v : v;
  let d = 1;
  while (d < 16 && a >= POW10[d]) d++;
  return v < 0 ? d + 1 : d;
}

import type { StringColumn } from '../table.ts';

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

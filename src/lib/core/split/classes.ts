/**
 * Rows grouped by the value of one column (the classes of a target, the groups of a group column), in order of first
 * appearance. Missing cells (and NaN) belong to no class; they are counted.
 */
import type { Column } from '../table.ts';

export interface Classes {
  /** Each class as text: the string, "true"/"false", or the number as String() writes it. */
  labels: string[];
  /** Row numbers of each class, ascending. */
  rows: Uint32Array[];
  missing: number;
}

export function classesOf(col: Column, rowCount = col.valid.length): Classes {
  const { labels, counts: sizes, missing, ids } = valueCounts(col, rowCount);
  const rows = sizes.map((n) => new Uint32Array(n));
  const fill = new Array<number>(sizes.length).fill(0);
  for (let r = 0; r < rowCount; r++) if (ids[r] >= 0) rows[ids[r]][fill[ids[r]]++] = r;
  return { labels, rows, missing };
}

export interface ValueCounts {
  labels: string[];
  counts: number[];
  missing: number;
  /** Class id of each row (-1 when missing). */
  ids: Int32Array;
}

/** Each distinct present value (as text, first appearance first) with its count. */
export function valueCounts(col: Column, rowCount = col.valid.length): ValueCounts {
  const ids = new Int32Array(rowCount).fill(-1);
  const labels: string[] = [];
  const sizes: number[] = [];
  let missing = 0;
  if (col.kind === 'string') {
    const idOfCode = new Int32Array(col.dictionary.length).fill(-1);
    for (let r = 0; r < rowCount; r++) {
      if (!col.valid[r]) { missing++; continue; }
      const code = col.codes[r];
      let id = idOfCode[code];
      if (id < 0) { id = idOfCode[code] = labels.length; labels.push(col.dictionary[code]); sizes.push(0); }
      ids[r] = id;
      sizes[id]++;
    }
  } else {
    const idOf = new Map<number, number>();
    for (let r = 0; r < rowCount; r++) {
      const v = col.values[r];
      if (!col.valid[r] || v !== v) { missing++; continue; }
      let id = idOf.get(v);
      if (id === undefined) {
        id = labels.length;
        idOf.set(v, id);
        labels.push(col.type === 'boolean' ? (v === 1 ? 'true' : 'false') : col.type === 'datetime' ? new Date(v).toISOString() : String(v));
        sizes.push(0);
      }
      ids[r] = id;
      sizes[id]++;
    }
  }
  return { labels, counts: sizes, missing, ids };
}

/** Distinct present values, counting no further than `limit + 1`. */
export function distinctUpTo(col: Column, limit: number): number {
  const seen = new Set<number>();
  for (let r = 0; r < col.valid.length && seen.size <= limit; r++) {
    if (!col.valid[r]) continue;
    const v = col.kind === 'string' ? col.codes[r] : col.values[r];
    if (v === v) seen.add(v);
  }
  return seen.size;
}

/** Fisher–Yates shuffle in place with the seeded generator. */
export function shuffle(a: Uint32Array, rng: { int(n: number): number }): Uint32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

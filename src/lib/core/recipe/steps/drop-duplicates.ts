/**
 * `drop-duplicates`: drop rows equal to an earlier row in every column, keeping the first (pandas
 * drop_duplicates(keep='first')): missing equals missing, 0 equals -0, text compares by value whatever the dictionary.
 * A row filter for train and eval splits; at prediction time no row is dropped.
 */
import * as v from 'valibot';
import type { Column, Table } from '../../table.ts';
import { filterRows } from '../../table-ops.ts';
import type { StepKind } from '../types.ts';
import { note, parseParams } from './shared.ts';

const KIND = 'drop-duplicates';
const schema = v.strictObject({});
export type DropDuplicatesParams = v.InferOutput<typeof schema>;
export type DropDuplicatesState = Record<string, never>;

export const dropDuplicates: StepKind<DropDuplicatesParams, DropDuplicatesState> = {
  kind: KIND,
  describe: () => 'Drop duplicate rows (keep the first)',
  parse: (spec, ctx) => parseParams(schema, spec, ctx, KIND),
  fit: () => ({}),
  apply(table, _p, _s, ctx) {
    if (ctx.mode === 'predict') return table;
    const keep = firstOccurrences(table);
    let dropped = 0;
    for (let i = 0; i < keep.length; i++) dropped += 1 - keep[i];
    if (dropped === 0) return table;
    note(ctx, KIND, `dropped ${dropped} duplicate rows of ${table.rowCount}.`);
    return filterRows(table, keep);
  },
};

/** keep[i] = 1 when row i equals no earlier row. Rows are hashed column by column; a hash match is checked cell by cell. */
export function firstOccurrences(table: Table): Uint8Array {
  const n = table.rowCount;
  const keep = new Uint8Array(n).fill(1);
  const hash = new Int32Array(n).fill(0x811c9dc5 | 0);
  const keys = table.columns.map((c) => cellKeys(c, n));
  for (const k of keys) for (let r = 0; r < n; r++) hash[r] = Math.imul(hash[r] ^ k[r], 0x01000193);
  const seen = new Map<number, number[]>();
  for (let r = 0; r < n; r++) {
    const bucket = seen.get(hash[r]);
    if (!bucket) { seen.set(hash[r], [r]); continue; }
    if (bucket.some((q) => keys.every((k, j) => k[q] === k[r] && sameCell(table.columns[j], q, r)))) keep[r] = 0;
    else bucket.push(r);
  }
  return keep;
}

/** A 32-bit key per cell: equal cells get equal keys (different cells may collide; sameCell settles it). */
function cellKeys(c: Column, n: number): Int32Array {
  const out = new Int32Array(n);
  if (c.kind === 'string') {
    // Canonical id per distinct string, so duplicated dictionary entries compare equal.
    const ids = new Map<string, number>();
    const byCode = c.dictionary.map((s) => ids.get(s) ?? (ids.set(s, ids.size), ids.size - 1));
    for (let r = 0; r < n; r++) out[r] = c.valid[r] ? byCode[c.codes[r]] : -1;
    return out;
  }
  const f = new Float64Array(1), w = new Int32Array(f.buffer);
  for (let r = 0; r < n; r++) {
    const x = c.values[r];
    if (!c.valid[r] || x !== x) out[r] = 0x7ff80001;
    else { f[0] = x === 0 ? 0 : x; out[r] = Math.imul(w[0], 31) ^ w[1]; }
  }
  return out;
}

function sameCell(c: Column, a: number, b: number): boolean {
  if (c.kind === 'string') return c.valid[a] && c.valid[b] ? c.dictionary[c.codes[a]] === c.dictionary[c.codes[b]] : !c.valid[a] && !c.valid[b];
  const x = c.values[a], y = c.values[b];
  const pa = c.valid[a] && x === x, pb = c.valid[b] && y === y;
  return pa && pb ? x === y : !pa && !pb;
}

/** Test helpers: Tables built the way the JSON reader builds them (one ColumnBuilder per key). Not a test file. */
import { readFileSync } from 'node:fs';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import type { Table } from '../../src/lib/core/table.ts';

export function tableOf(records: Record<string, unknown>[], names = Object.keys(records[0] ?? {})): Table {
  const builders = names.map((n) => new ColumnBuilder(n));
  for (const rec of records) builders.forEach((b) => b.pushValue(rec[b.name]));
  return { rowCount: records.length, columns: builders.map((b) => b.finish()) };
}

/** A Table from column-major values: { a: [1, 2], b: ['x', 'y'] }. */
export function columnsOf(values: Record<string, unknown[]>): Table {
  const names = Object.keys(values);
  const n = values[names[0]].length;
  return tableOf(Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, values[k][i]]))), names);
}

/** The Palmer penguins from vega-datasets (344 rows × 7 columns), a fresh Table each call. */
export function penguinsTable(): Table {
  return tableOf(JSON.parse(readFileSync(new URL('../../node_modules/vega-datasets/data/penguins.json', import.meta.url), 'utf8')));
}

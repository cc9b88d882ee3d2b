/**
 * Rows as a person types them (the what-if form) → a Table, one column per name in order of first appearance, cells
 * read as the importers read them (ColumnBuilder.pushValue). Column names come from data, so a row is a list of
 * [name, value] pairs or a Map: a feature may be named "__proto__" or "constructor", which a plain object loses
 * (`row["__proto__"] = v` sets a prototype). A plain object is still accepted for callers that have one: its own keys
 * are read, so one from JSON.parse keeps "__proto__". Everything is validated: the rows arrive from another thread.
 */
import { EnclaveError } from './errors.ts';
import { ColumnBuilder } from './infer.ts';
import type { Table } from './table.ts';

export type Cell = string | number | boolean | null;
export type InputRecord = readonly (readonly [string, Cell])[] | ReadonlyMap<string, Cell> | Readonly<Record<string, Cell>>;

export function tableFromRecords(records: readonly unknown[]): Table {
  if (!Array.isArray(records)) throw new EnclaveError('invalid-argument', 'Rows to predict are a list of rows.');
  const rows = records.map(recordEntries);
  const builders = new Map<string, ColumnBuilder>();
  for (const row of rows) for (const [name] of row) if (!builders.has(name)) builders.set(name, new ColumnBuilder(name));
  rows.forEach((row) => {
    const cells = new Map(row);
    for (const [name, b] of builders) b.pushValue(cells.get(name) ?? null);
  });
  return { rowCount: rows.length, columns: [...builders.values()].map((b) => b.finish()) };
}

/** One row's [name, value] pairs, checked: names are non-repeated strings, values text, numbers, booleans or null. */
export function recordEntries(record: unknown, index: number): [string, Cell][] {
  const entries = pairsOf(record);
  if (!entries) throw rowError(index, 'is not a list of [column, value] pairs, a Map or an object');
  const seen = new Set<string>();
  return entries.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') throw rowError(index, 'has an entry that is not a [column, value] pair');
    const [name, value] = pair as [string, unknown];
    if (seen.has(name)) throw rowError(index, `names column "${name}" twice`);
    seen.add(name);
    if (value !== null && value !== undefined && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw rowError(index, `has a value for column "${name}" that is not text, a number, true/false or empty`);
    return [name, value ?? null];
  });
}

function pairsOf(record: unknown): unknown[] | null {
  if (Array.isArray(record)) return record;
  if (record instanceof Map) return [...record];
  if (record === null || typeof record !== 'object') return null;
  const proto = Object.getPrototypeOf(record);
  return proto === Object.prototype || proto === null ? Object.entries(record) : null;
}

function rowError(index: number, what: string): EnclaveError {
  return new EnclaveError('invalid-argument', `Row ${index + 1} to predict ${what}.`, { row: index });
}

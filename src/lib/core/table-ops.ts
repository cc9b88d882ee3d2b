/** Pure, non-mutating Table operations shared by recipe steps, splits and validation. */
import type { Column, NumericColumn, NumericType, StringColumn, StringType, Table } from './table.ts';

/** Rows at `indices`, in that order (a row may repeat). Dictionaries are kept as they are. */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  const n = indices.length;
  const columns = table.columns.map((c): Column => {
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = c.valid[indices[i]];
    if (c.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = c.values[indices[i]];
      return { ...c, values, valid };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = c.codes[indices[i]];
    return { ...c, codes, valid };
  });
  return { rowCount: n, columns };
}

/** Rows where keep[i] is 1. */
export function filterRows(table: Table, keep: Uint8Array): Table {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i];
  const idx = new Uint32Array(n);
  for (let i = 0, j = 0; i < keep.length; i++) if (keep[i]) idx[j++] = i;
  return takeRows(table, idx);
}

export function columnIndex(table: Table, name: string): number {
  return table.columns.findIndex((c) => c.name === name);
}

/** Replace the column of the same name, or append it when there is none. */
export function withColumn(table: Table, column: Column): Table {
  const i = columnIndex(table, column.name);
  const columns = table.columns.slice();
  if (i >= 0) columns[i] = column;
  else columns.push(column);
  return { rowCount: table.rowCount, columns };
}

/** Insert columns right after the column named `after` (or at the end). */
export function insertColumnsAfter(table: Table, after: string, added: Column[]): Table {
  const i = columnIndex(table, after);
  const columns = table.columns.slice();
  columns.splice(i < 0 ? columns.length : i + 1, 0, ...added);
  return { rowCount: table.rowCount, columns };
}

export function dropColumns(table: Table, names: Iterable<string>): Table {
  const drop = new Set(names);
  return { rowCount: table.rowCount, columns: table.columns.filter((c) => !drop.has(c.name)) };
}

export function selectColumns(table: Table, names: string[]): Table {
  return { rowCount: table.rowCount, columns: names.map((n) => table.columns[columnIndex(table, n)]).filter(Boolean) };
}

export function numericColumn(name: string, type: NumericType, values: Float64Array, valid?: Uint8Array): NumericColumn {
  return { kind: 'numeric', name, type, values, valid: valid ?? new Uint8Array(values.length).fill(1) };
}

/** A string column from texts (null = missing); the dictionary in first-appearance order. */
export function stringColumn(name: string, type: StringType, texts: (string | null)[]): StringColumn {
  const dict = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(texts.length);
  const valid = new Uint8Array(texts.length);
  texts.forEach((t, i) => {
    if (t === null) return;
    let c = dict.get(t);
    if (c === undefined) { c = dictionary.length; dict.set(t, c); dictionary.push(t); }
    codes[i] = c;
    valid[i] = 1;
  });
  return { kind: 'string', name, type, codes, dictionary, valid };
}

/** A column's cells as text (strings from the dictionary, numbers as written by String, missing as null). */
export function asTexts(c: Column): (string | null)[] {
  const out: (string | null)[] = new Array(c.valid.length);
  for (let i = 0; i < c.valid.length; i++) {
    if (!c.valid[i]) out[i] = null;
    else if (c.kind === 'string') out[i] = c.dictionary[c.codes[i]];
    else if (c.type === 'boolean') out[i] = c.values[i] === 1 ? 'true' : 'false';
    else if (c.type === 'datetime') out[i] = new Date(c.values[i]).toISOString();
    else out[i] = String(c.values[i]);
  }
  return out;
}

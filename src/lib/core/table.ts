/**
 * The columnar Table: the one shape data has everywhere in Enclave (workers, store, Node runner).
 * Numeric kinds live in a Float64Array; string kinds as Int32 codes into a dictionary. An 'identifier' is either a
 * string column or (an integer key such as `id` = 1..n) a numeric one, which stands for the strings String(value)
 * everywhere a result is seen (cells, profile, content hash), so which of the two a reader chose never shows.
 * A Uint8Array validity mask (1 = present) says which slots hold a value; an absent slot's value is 0 and meaningless.
 * Everything here is plain typed arrays so a Table crosses a worker boundary by transfer, not copy. A column's arrays
 * may be views on a somewhat longer buffer (a reader's spare room): use their length and byteOffset, not `.buffer`'s.
 */
import { madeValues } from './indicator-column.ts';

/** Inferred semantic type of a column. */
export type ColumnType =
  | 'integer'
  | 'float'
  | 'boolean'
  | 'datetime'
  | 'categorical'
  | 'text'
  | 'identifier';

export type NumericType = 'integer' | 'float' | 'boolean' | 'datetime' | 'identifier';
export type StringType = 'categorical' | 'text' | 'identifier';

/**
 * integer/float: the number; boolean: 0 or 1; datetime: milliseconds since the Unix epoch, UTC; identifier: an integer
 * key (never a measurement: not in numeric statistics, correlations or '*numeric' selections), read as String(value).
 */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly type: NumericType;
  readonly values: Float64Array;
  readonly valid: Uint8Array;
}

/** Codes index `dictionary`; codes of absent slots are 0 and meaningless. */
export interface StringColumn {
  readonly kind: 'string';
  readonly name: string;
  readonly type: StringType;
  readonly codes: Int32Array;
  readonly dictionary: string[];
  readonly valid: Uint8Array;
}

export type Column = NumericColumn | StringColumn;

export interface Table {
  readonly rowCount: number;
  readonly columns: Column[];
}

/** Numeric types of values (a numeric 'identifier' column holds keys, not values, so it is not listed). */
export const NUMERIC_TYPES: readonly NumericType[] = ['integer', 'float', 'boolean', 'datetime'];

export function isNumeric(column: Column): column is NumericColumn {
  return column.kind === 'numeric';
}

export function column(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** Missing-value count of a column. */
export function missingCount(col: Column): number {
  let present = 0;
  const v = col.valid;
  for (let i = 0; i < v.length; i++) present += v[i];
  return v.length - present;
}

/** Rows [start, start + limit) as arrays of cells in column order (no record keys: column names come from data). */
export function rowArrays(table: Table, start = 0, limit = table.rowCount): (number | boolean | string | null)[][] {
  const end = Math.min(table.rowCount, start + limit);
  const out: (number | boolean | string | null)[][] = [];
  for (let r = start; r < end; r++) out.push(table.columns.map((c) => cell(c, r)));
  return out;
}

/** The cell as a JS value: number, boolean, Date-as-ISO string, string, or null when missing. */
export function cell(col: Column, row: number): number | boolean | string | null {
  if (!col.valid[row]) return null;
  if (col.kind === 'string') return col.dictionary[col.codes[row]];
  if (col.type === 'boolean') return col.values[row] === 1;
  if (col.type === 'datetime') return new Date(col.values[row]).toISOString();
  if (col.type === 'identifier') return String(col.values[row]);
  return col.values[row];
}

/** The first `limit` rows as plain records (for previews and JSON output, never for O(rows) work on the UI thread). */
export function rows(table: Table, start = 0, limit = table.rowCount): Record<string, unknown>[] {
  const end = Math.min(table.rowCount, start + limit);
  const out: Record<string, unknown>[] = [];
  for (let r = start; r < end; r++) {
    const rec: Record<string, unknown> = {};
    // defineProperty, not assignment: a column named "__proto__" must be a field of the record, not its prototype.
    for (const c of table.columns) Object.defineProperty(rec, c.name, { value: cell(c, r), enumerable: true, writable: true, configurable: true });
    out.push(rec);
  }
  return out;
}

/** Every ArrayBuffer a Table holds, for `postMessage(table, transferables)`. */
export function transferables(table: Table): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of table.columns) {
    out.add(c.valid.buffer as ArrayBuffer);
    // An indicator column's bits, and its values only if something has made them (core/indicator-column.ts).
    for (const b of madeValues(c)) out.add(b);
  }
  return [...out];
}

/**
 * Gives a table's memory back now, for a table nothing else will read again: its buffers are detached (transferred to
 * nowhere), so their memory goes at the next minor GC. Dropping the last reference is not enough at scale: a prepared
 * split of gigabytes lives in the old generation and waited for a full GC — a whole stage later, while the next split
 * was being made (0.6 GB of a 2M-row run's 3.0 GB peak). Afterwards every column of the table is empty (length 0),
 * except those whose buffers a table in `except` also holds.
 */
export function releaseTable(table: Table, except: readonly Table[] = []): void {
  // Buffers a table made from this one still uses (columns a recipe passed through unchanged) stay.
  const kept = new Set(except.flatMap(transferables));
  // Shared memory cannot be detached (another thread may read it): it goes once no thread refers to it.
  const buffers = transferables(table).filter((b) => b.byteLength > 0 && !kept.has(b) && b instanceof ArrayBuffer);
  if (buffers.length) structuredClone(buffers, { transfer: buffers });
}

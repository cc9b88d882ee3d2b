/**
 * The import helper's jobs (workers/import-helper.worker.ts serves them through the bridge): the parts of an import
 * that can run beside the data worker's, on a thread (and core) of their own. While the data worker reads the start
 * of a large CSV, `part` reads the rest; while it profiles the table, `correlate` computes the correlation matrix (and
 * keeps the table) and `hash` then hashes it (crypto.subtle.digest runs on the calling thread in Chromium).
 */
import { parseCsvPart } from '../core/io/csv-fast.ts';
import type { TablePart } from '../core/io/assemble.ts';
import type { CsvSplitRequest } from '../core/io/source.ts';
import { hashTable } from '../core/hash.ts';
import { pearsonMatrix } from '../core/profile/correlation.ts';
import type { Correlations } from '../core/profile.ts';
import type { NumericColumn, Table } from '../core/table.ts';
import { EnclaveError } from '../core/errors.ts';
import { transferred } from '../bridge/expose.ts';

/** The table of the last `correlate`, which the `hash` that follows it hashes (so it crosses once). */
let held: Table | null = null;

export const importHelper = {
  /** The CSV from byte `req.start` on, as a part of the table; its buffers are moved, not copied. */
  async part(file: Blob & { name: string }, req: CsvSplitRequest): Promise<TablePart> {
    const blob = file.slice(req.start);
    const part = await parseCsvPart({ name: file.name, size: blob.size, stream: () => blob.stream() }, req.delimiter, req.names);
    return transferred(part, buffersOf(part));
  },
  /** Pearson correlations over the numeric columns at `columns`; keeps the table for `hash`. */
  async correlate(table: Table, columns: number[]): Promise<Correlations> {
    const picked = columns.map((i) => table.columns[i]);
    if (!picked.every((c) => c?.kind === 'numeric')) throw new EnclaveError('invalid-argument', 'Correlations are computed over numeric columns only.');
    held = table;
    return pearsonMatrix(picked as NumericColumn[], table.rowCount);
  },
  /** The content hash of the table the last `correlate` was given. */
  async hash(): Promise<string> {
    const table = held;
    held = null;
    if (!table) throw new EnclaveError('internal', 'The import helper has no table to hash.');
    return hashTable(table);
  }
};

/** The part's column buffers. */
function buffersOf(part: TablePart): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of part.columns) for (const a of [c.valid, c.values, c.codes]) if (a) out.add(a.buffer as ArrayBuffer);
  return [...out];
}

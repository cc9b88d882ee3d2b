/**
 * The import job's logic, independent of the worker wrapper (so Node tests and the CLI can run it too):
 * read a file into a Table, hash it, profile it, and store it as a version in one transaction.
 */
import { readTable } from '../core/io/index.ts';
import type { ByteSource } from '../core/io/source.ts';
import { hashTable } from '../core/hash.ts';
import { profileTableAsync, type Profile } from '../core/profile.ts';
import { rows as tableRows, type Table, type ColumnType } from '../core/table.ts';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { db as defaultDb, type EnclaveDB } from '../store/db.ts';
import { saveImport, loadTable } from '../store/tables.ts';

export interface JobProgress {
  stage: 'read' | 'hash' | 'profile' | 'save';
  done: number;
  total: number;
  rows?: number;
}

export interface ImportRequest {
  file: ByteSource & { lastModified?: number };
  datasetName?: string;
  maxBytes?: number;
}

export interface ImportSummary {
  datasetId: string;
  hash: string;
  created: boolean;
  name: string;
  format: string;
  rowCount: number;
  columns: { name: string; type: ColumnType }[];
  profile: Profile;
  warnings: string[];
}

export interface PreviewRows {
  columns: { name: string; type: ColumnType }[];
  start: number;
  rowCount: number;
  rows: unknown[][];
}

interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  database?: EnclaveDB;
}

// The last table touched stays in memory so scrolling a preview does not reload every chunk.
let cached: { hash: string; table: Table } | null = null;

export async function importFile(req: ImportRequest, opts: JobOptions = {}): Promise<ImportSummary> {
  const { signal, onProgress } = opts;
  const file = req.file;
  const { table, format, warnings } = await readTable(file, {
    signal,
    maxBytes: req.maxBytes,
    onProgress: (p) => onProgress?.({ stage: 'read', done: p.done, total: p.total, rows: p.rows })
  });
  throwIfAborted(signal);
  onProgress?.({ stage: 'hash', done: 0, total: 1, rows: table.rowCount });
  const hash = await hashTable(table);
  throwIfAborted(signal);
  const profile = await profileTableAsync(table, {
    signal,
    onProgress: (p) => onProgress?.({ stage: 'profile', done: p.done, total: p.total, rows: table.rowCount })
  });
  throwIfAborted(signal);
  onProgress?.({ stage: 'save', done: 0, total: 1, rows: table.rowCount });
  const name = req.datasetName ?? file.name.replace(/\.[^.]+$/, '');
  const saved = await saveImport(opts.database ?? defaultDb(), {
    datasetName: name,
    source: { fileName: file.name, size: file.size, lastModified: file.lastModified ?? 0, format },
    table,
    hash,
    profile,
    warnings
  });
  cached = { hash, table };
  onProgress?.({ stage: 'save', done: 1, total: 1, rows: table.rowCount });
  return {
    datasetId: saved.datasetId,
    hash,
    created: saved.created,
    name,
    format,
    rowCount: table.rowCount,
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    profile,
    warnings
  };
}

export async function preview(hash: string, start: number, count: number, database?: EnclaveDB): Promise<PreviewRows> {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || count > 10_000)
    throw new EnclaveError('invalid-argument', 'A preview asks for at most 10,000 rows from a non-negative start.');
  if (cached?.hash !== hash) cached = { hash, table: await loadTable(database ?? defaultDb(), hash) };
  const table = cached.table;
  const recs = tableRows(table, start, count);
  return {
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    start,
    rowCount: table.rowCount,
    rows: recs.map((r) => table.columns.map((c) => r[c.name]))
  };
}

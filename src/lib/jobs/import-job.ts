/**
 * The import job's logic, independent of the worker wrapper (so Node tests and the CLI can run it too):
 * read a file into a Table, hash it, profile it, and store it as a version in one transaction.
 */
import { readTable } from '../core/io/index.ts';
import { shareLargeBuffers } from '../core/typed-buffers.ts';
import { checkImportOptions, type ImportOptions } from '../core/io/import-options.ts';
import { previewImport, type ImportPreview } from '../core/io/preview.ts';
import type { ByteSource, CsvSplitRequest } from '../core/io/source.ts';
import type { TablePart } from '../core/io/assemble.ts';
import { hashTable } from '../core/hash.ts';
import { correlatedColumns, profileTableAsync, type Correlations, type Profile } from '../core/profile.ts';
import { pearsonMatrix } from '../core/profile/correlation.ts';
import { dropSource, keepSource } from './source-cache.ts';
import { rowArrays, type Table, type ColumnType } from '../core/table.ts';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { db as defaultDb, type EnclaveDB } from '../store/db.ts';
import { saveImport } from '../store/tables.ts';
import { loadRows } from '../store/load-table.ts';
import { prestartHelper, startHelperClient } from './helper-client.ts';

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
  /** How to read the file (lines to skip, header, delimiter, encoding, …), as the person chose on the Data page. */
  options?: ImportOptions;
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

/**
 * The import helper worker (workers/import-helper.worker.ts), where the runtime has workers (the browser; not Node,
 * where everything runs here). It reads the second half of a large CSV while this thread reads the first, then
 * hashes the table and computes its correlation matrix while this thread profiles the rest: the second core works
 * through most of the import. (SHA-256 is synchronous on the calling thread in Chromium, so without it the hash and
 * the correlations, about half a second per 100 MB together, would add to the profile's time.)
 */
interface Helper {
  part(file: File, req: CsvSplitRequest): Promise<TablePart>;
  /** Hands the table over: its correlation matrix (over the columns at `correlate`), then its hash. */
  finish(table: Table, correlate: number[]): { correlations: Promise<Correlations>; hash: Promise<string> };
  close(): void;
}

function startHelper(): Helper | null {
  const client = startHelperClient();
  if (!client) return null;
  return {
    part: (file, req) => client.part(file, req).result,
    finish: (table, correlate) => ({
      correlations: client.correlate(shareable(table), correlate).result,
      hash: client.hash().result
    }),
    close: () => client.close()
  };
}

/** Whether memory can be shared with a worker here (a cross-origin isolated page's workers). */
function sharedMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * The table as it is sent to the helper: with cross-origin isolation, every column in SharedArrayBuffers (made there
 * by the reader, shareLargeBuffers; any other copied once), so nothing is copied on the way; otherwise the table
 * itself, which postMessage clones.
 */
function shareable(table: Table): Table {
  if (!sharedMemory()) return table;
  const share = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (b: SharedArrayBuffer) => A): A => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const out = make(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    rowCount: table.rowCount,
    columns: table.columns.map((c) => {
      const valid = share(c.valid, (b) => new Uint8Array(b));
      return c.kind === 'numeric'
        ? { ...c, values: share(c.values, (b) => new Float64Array(b)), valid }
        : { ...c, codes: share(c.codes, (b) => new Int32Array(b)), valid };
    })
  };
}

/**
 * Correlations and hash from the helper where there is one, each what this thread would compute, to the bit: the
 * profile takes the helper's correlations if they have come by the time it needs them (else it computes them), and
 * the hash is computed here should the helper fail. Duplicate rows are counted here, after the columns: at 5M rows
 * the helper's share (correlations, duplicates, hash) had outlasted this thread's by 3.4 s, this thread waiting.
 */
function helped(helper: Helper | null, table: Table, correlate: number[]): { correlations: Promise<Correlations> | null; hash: Promise<string> } {
  if (!helper) return { correlations: null, hash: hashTable(table) };
  const { correlations, hash } = helper.finish(table, correlate);
  correlations.catch(() => undefined);
  return { correlations, hash: hash.catch(() => hashTable(table)) };
}

/** The value of `p` if it has settled successfully by now (after a turn of the event loop), else null. */
async function ifReady<T>(p: Promise<T>): Promise<T | null> {
  let value: T | null = null;
  p.then((v) => (value = v), () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return value;
}

/** `p`, or a 'cancelled' rejection as soon as the signal aborts (a cancel need not wait for the helper). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new EnclaveError('cancelled', 'Cancelled.'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function importFile(req: ImportRequest, opts: JobOptions = {}): Promise<ImportSummary> {
  // Started first, so the worker is up by the time the table is.
  const helper = startHelper();
  try {
    return await importWith(helper, req, opts);
  } finally {
    helper?.close();
    prestartHelper(); // the next import's
  }
}

async function importWith(helper: Helper | null, req: ImportRequest, opts: JobOptions): Promise<ImportSummary> {
  const { signal, onProgress } = opts;
  const file = req.file;
  const options = checkImportOptions(req.options); // from the page: checked, only known fields kept
  dropSource(true); // the table kept from before is not read alongside a new one (gigabytes at millions of rows)
  // With a helper to hand the table to, its columns are made in shared memory, so that it crosses without a copy.
  shareLargeBuffers(!!helper && sharedMemory());
  const { table, format, warnings } = await readTable(file, {
    ...options,
    signal,
    maxBytes: req.maxBytes,
    onProgress: (p) => onProgress?.({ stage: 'read', done: p.done, total: p.total, rows: p.rows }),
    // A large CSV: the helper reads the second half meanwhile.
    splitCsv: helper && typeof File !== 'undefined' && file instanceof File ? (r) => helper.part(file, r) : undefined
  }).finally(() => shareLargeBuffers(false));
  throwIfAborted(signal);
  onProgress?.({ stage: 'hash', done: 0, total: 1, rows: table.rowCount });
  // Hash and correlations run beside the rest of the profile (in the helper; without one, the hash is interleaved
  // with the profile here, and the profile computes its own correlations).
  const measured = correlatedColumns(table);
  const helping = helped(helper, table, measured.map((c) => table.columns.indexOf(c)));
  helping.hash.catch(() => undefined); // awaited below; this only keeps a failure during the profile from going unhandled
  const profile = await profileTableAsync(table, {
    signal,
    onProgress: (p) => onProgress?.({ stage: 'profile', done: p.done, total: p.total, rows: table.rowCount }),
    correlations: helping.correlations
      ? async () => (await ifReady(helping.correlations!)) ?? pearsonMatrix(measured, table.rowCount, signal)
      : undefined
  });
  throwIfAborted(signal);
  const hash = await untilAborted(helping.hash, signal);
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
  onProgress?.({ stage: 'save', done: 1, total: 1, rows: table.rowCount });
  // Kept for the next step: a prepare of this version starts from it instead of reading it back.
  keepSource(hash, table);
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

/** The first rows of a file read with `options`, and what it looks like it needs (reads its first 64 KiB only). */
export async function previewFile(file: ByteSource, options?: ImportOptions): Promise<ImportPreview> {
  return previewImport(file, checkImportOptions(options));
}

export async function preview(hash: string, start: number, count: number, database?: EnclaveDB): Promise<PreviewRows> {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || count > 10_000)
    throw new EnclaveError('invalid-argument', 'A preview asks for at most 10,000 rows from a non-negative start.');
  // Only the chunks these rows lie in (and text columns' dictionaries): a preview of a large table stays quick.
  const { table, rowCount } = await loadRows(database ?? defaultDb(), hash, start, count);
  return {
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    start,
    rowCount,
    rows: rowArrays(table)
  };
}

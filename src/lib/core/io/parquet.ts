/**
 * Parquet via hyparquet. The file is read into memory (Parquet's footer is at the end, so it cannot be streamed
 * front to back), then decoded one row group at a time, column-wise, so progress is reported per row group and a
 * cancel takes effect between row groups.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import type { ColumnData, Compressors, FileMetaData } from 'hyparquet';
import { EnclaveError, throwIfAborted } from '../errors.ts';
import { ColumnBuilder } from '../infer.ts';
import type { Table } from '../table.ts';
import { TextBuilder } from './assemble.ts';
import { MAX_COLUMNS, tooManyColumns } from './limits.ts';
import { uniqueParquetNames } from './parquet-names.ts';
import { emptyFileError, isParquetMagic } from './sniff.ts';
import type { ByteSource, ReadOptions, ReadProgress, ReadResult } from './source.ts';
import { checkSize, readAll } from './stream.ts';

/** Codecs hyparquet decodes by itself; others need a decompressor in ParquetReadOptions.compressors. */
const BUILT_IN_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);

export interface ParquetReadOptions extends ReadOptions {
  /** Read only these top-level columns (default: all). */
  columns?: string[];
  /** Read at most this many rows (whole row groups are decoded, then trimmed). */
  rowLimit?: number;
  /** Extra decompressors (e.g. ZSTD, GZIP) keyed by codec, as hyparquet-compressors provides. */
  compressors?: Compressors;
}

function invalidParquet(message: string, cause?: unknown): EnclaveError {
  const why = cause instanceof Error ? ` (${cause.message})` : '';
  return new EnclaveError('invalid-parquet', `${message}${why}`);
}

function metadataOf(bytes: Uint8Array): FileMetaData {
  const n = bytes.byteLength;
  if (n < 12 || !isParquetMagic(bytes) || !isParquetMagic(bytes.subarray(n - 4))) {
    throw invalidParquet(`This is not a readable Parquet file: it ${n < 12 ? 'is too short' : 'does not start and end with the "PAR1" marker'} (it may be truncated).`);
  }
  try {
    return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n) as ArrayBuffer);
  } catch (err) {
    throw invalidParquet('This Parquet file is damaged: its metadata (footer) could not be read', err);
  }
}

export async function readParquet(source: ByteSource, opts: ParquetReadOptions = {}): Promise<ReadResult> {
  checkSize(source, opts.maxBytes);
  const bytes = await readAll(source, opts); // reading a local file is quick; decoding is what progress tracks
  if (bytes.byteLength === 0) throw emptyFileError();
  const named = uniqueParquetNames(metadataOf(bytes));
  const md = named.metadata; // each top-level column under its table name (a repeated name is read as itself)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { original, names: all } = named;
  if (all.length > MAX_COLUMNS) throw tooManyColumns(all.length, '');
  // Asked-for columns by the file's name or the table's: a repeated name selects every column of that name.
  const asked = opts.columns;
  const unknown = (asked ?? []).filter((c) => !original.includes(c) && !all.includes(c));
  if (unknown.length) {
    throw new EnclaveError('invalid-argument', `This Parquet file has no column ${unknown.map((c) => `"${c}"`).join(', ')}. Its columns: ${all.join(', ')}.`);
  }
  const wanted = asked ? [...new Set(asked.flatMap((c) => all.filter((n, i) => n === c || original[i] === c)))] : all;
  // ZSTD, GZIP, Brotli, LZ4: loaded only when a Parquet file arrives (hysnappy also replaces the JS Snappy decoder).
  const compressors = opts.compressors ?? (await import('hyparquet-compressors')).compressors;
  checkCodecs(md, wanted, compressors);

  const total = Number(md.num_rows);
  const limit = Math.min(total, opts.rowLimit ?? Infinity);
  const inferTypes = opts.inferTypes ?? true;
  const sinks = wanted.map((n) => (inferTypes ? new ColumnBuilder(n, Math.min(limit, 1 << 20)) : new TextBuilder(n)));
  let rowStart = 0;
  const progress = new DecodeProgress(md, wanted, limit, bytes.byteLength, opts.onProgress);
  progress.report(0); // the file is in memory: the bar shows the decoding ahead, not a silent first row group
  for (const [g, rg] of md.row_groups.entries()) {
    if (rowStart >= limit) break;
    throwIfAborted(opts.signal);
    const rowEnd = Math.min(limit, rowStart + Number(rg.num_rows));
    const parts = new Map<string, ColumnData[]>(wanted.map((c) => [c, []]));
    const start = rowStart;
    try {
      await parquetRead({
        file, metadata: md, columns: wanted, rowStart, rowEnd, compressors,
        onChunk: (c) => {
          parts.get(c.columnName)?.push(c);
          progress.column(g, c.columnName, start);
        }
      });
    } catch (err) {
      throw invalidParquet(`This Parquet file is damaged: row group ${g + 1} of ${md.row_groups.length} could not be decoded`, err);
    }
    wanted.forEach((name, i) => pushRange(sinks[i], parts.get(name)!, rowStart, rowEnd, name));
    rowStart = rowEnd;
    progress.group(g, rowStart);
  }
  throwIfAborted(opts.signal);
  const warnings: string[] = [];
  for (const r of named.renamed) if (wanted.includes(r.to)) warnings.push(`Column ${r.index + 1} ("${r.from}") was renamed "${r.to}".`);
  const table: Table = { rowCount: rowStart, columns: sinks.map((s) => s.finish()) };
  for (const s of sinks) if (s instanceof ColumnBuilder) warnings.push(...s.remarks((row) => `in row ${(row + 1).toLocaleString('en-US')}`));
  if (table.rowCount === 0) throw new EnclaveError('header-only', `This Parquet file has columns (${all.slice(0, 8).join(', ')}) but no rows.`);
  if (limit < total) warnings.push(`Read the first ${limit} of ${total} rows.`);
  opts.onProgress?.({ stage: 'read', done: bytes.byteLength, total: bytes.byteLength, rows: table.rowCount });
  return { table, format: 'parquet', warnings };
}

/**
 * Decoding progress in the file's bytes: each (row group, column) chunk weighs its compressed size, so the bar moves
 * as columns decode inside a large row group (flights-3m: 11 groups of 272,727 rows), reaches the total when the
 * last group asked for is done (a row limit or a column choice included), and is reported at most once per 1% of it.
 */
class DecodeProgress {
  #weights: Map<string, number>[] = [];
  #work = 0;
  #done = 0;
  #seen = new Set<string>();
  #reported = -1;
  readonly total: number;
  readonly cb?: (p: ReadProgress) => void;
  constructor(md: FileMetaData, wanted: string[], limit: number, total: number, cb?: (p: ReadProgress) => void) {
    this.total = total;
    this.cb = cb;
    let rows = 0;
    for (const rg of md.row_groups) {
      const weights = new Map<string, number>();
      if (rows < limit) {
        for (const cc of rg.columns) {
          const name = cc.meta_data?.path_in_schema[0];
          if (name === undefined || !wanted.includes(name)) continue;
          weights.set(name, (weights.get(name) ?? 0) + Math.max(1, Number(cc.meta_data?.total_compressed_size ?? 1)));
        }
        for (const name of wanted) if (!weights.has(name)) weights.set(name, 1);
        for (const w of weights.values()) this.#work += w;
      }
      this.#weights.push(weights);
      rows += Number(rg.num_rows);
    }
  }
  #bytes(): number {
    return this.#work > 0 ? Math.min(this.total, Math.round((this.total * this.#done) / this.#work)) : this.total;
  }
  report(rows: number, force = false): void {
    const done = this.#bytes();
    if (!this.cb || (!force && this.#reported >= 0 && done - this.#reported < this.total / 100)) return;
    this.#reported = done;
    this.cb({ stage: 'read', done, total: this.total, rows });
  }
  /** A column of row group `g` decoded (counted once, however many pieces hyparquet hands over). */
  column(g: number, name: string, rows: number): void {
    const key = `${g}\u0000${name}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#done += this.#weights[g]?.get(name) ?? 0;
    this.report(rows);
  }
  /** Row group `g` done: its columns all count, whether or not each was announced. */
  group(g: number, rows: number): void {
    for (const [name, w] of this.#weights[g] ?? []) {
      const key = `${g}\u0000${name}`;
      if (!this.#seen.has(key)) { this.#seen.add(key); this.#done += w; }
    }
    this.report(rows, true);
  }
}

/** Refuses up front, naming the codec, rather than failing mid-file on a page we cannot decompress. */
function checkCodecs(md: FileMetaData, wanted: string[], compressors?: Compressors): void {
  const missing = new Set<string>();
  for (const rg of md.row_groups) {
    for (const cc of rg.columns) {
      const meta = cc.meta_data;
      if (!meta || !wanted.includes(meta.path_in_schema[0])) continue;
      if (!BUILT_IN_CODECS.has(meta.codec) && !compressors?.[meta.codec]) missing.add(meta.codec);
    }
  }
  if (missing.size) {
    const codecs = [...missing].join(', ');
    throw new EnclaveError(
      'unsupported-format',
      `This Parquet file is compressed with ${codecs}, which Enclave cannot decompress yet. Save it with Snappy compression (or none) and try again.`,
      { codecs: [...missing] },
    );
  }
}

/** Pushes rows [start, end) of one column, from chunks that may arrive out of order or overlap the range. */
function pushRange(sink: ColumnBuilder | TextBuilder, parts: ColumnData[], start: number, end: number, name: string): void {
  parts.sort((a, b) => a.rowStart - b.rowStart);
  let at = start;
  for (const p of parts) {
    const data = p.columnData;
    const from = Math.max(at, p.rowStart);
    const to = Math.min(end, p.rowEnd);
    if (from > at) break; // a gap: reported below
    for (let r = from; r < to; r++) {
      const v: unknown = data[r - p.rowStart];
      if (sink instanceof ColumnBuilder) sink.pushValue(v);
      else if (v === null || v === undefined) sink.pushMissing();
      else sink.pushText(typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) : String(v));
    }
    at = Math.max(at, to);
  }
  if (at < end) throw invalidParquet(`This Parquet file is damaged: column "${name}" is missing rows ${at + 1} to ${end}`);
}

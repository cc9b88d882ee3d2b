/**
 * What every reader takes and returns. A ByteSource is anything that can stream its bytes: a browser File/Blob
 * satisfies it as is, and in Node `fs.openAsBlob(path)` gives one. Readers never need the whole file as one string.
 */
import type { Table } from '../table.ts';
import type { TablePart } from './assemble.ts';
import type { ImportOptions, TextEncoding } from './import-options.ts';

export interface ByteSource {
  /** File name; its extension picks the format (.csv .tsv .json .parquet ...). */
  name: string;
  /** Size in bytes (checked against ReadOptions.maxBytes before anything is read). */
  size: number;
  stream(): ReadableStream<Uint8Array>;
  slice?(start: number, end: number): ByteSource | Blob;
}

export interface ReadProgress {
  stage: 'read';
  /** Bytes consumed so far. */
  done: number;
  total: number;
  /** Data rows parsed so far. */
  rows: number;
}

/** ImportOptions: how the person said to read the file (import-options.ts). */
export interface ReadOptions extends ImportOptions {
  signal?: AbortSignal;
  /** Called at most once per ~1 MiB read (and once at the end), never per row. */
  onProgress?: (p: ReadProgress) => void;
  /** Files larger than this are refused with 'too-large' before reading. */
  maxBytes?: number;
  /** CSV parser: 'fast' (our byte-level parser, the default) or 'papa' (Papa Parse, the reference). */
  engine?: 'papa' | 'fast';
  /**
   * Default true. When false, every column is kept as a string column holding each cell's text verbatim: no type
   * inference and no missing tokens (an empty cell is the empty string); only cells a short row lacks are missing.
   */
  inferTypes?: boolean;
  /**
   * Where the caller can read the rest of a large CSV elsewhere (another worker) while this one reads the start: given
   * where a record starts, the delimiter and the column names, it parses the file from there (parseCsvPart) and
   * resolves with what it read. The reader checks and joins the two, or reads everything itself when they would not
   * join exactly (see parseFastSplit). Used with the 'fast' engine, inferred types and a source that can slice.
   */
  splitCsv?: (req: CsvSplitRequest) => Promise<TablePart>;
  /** Smallest file splitCsv is used for (default 8 MiB; tests set it low). */
  splitMinBytes?: number;
}

export interface CsvSplitRequest {
  /** Byte offset of the part (the start of a record, just after a line break). */
  start: number;
  delimiter: string;
  names: string[];
}

export interface ReadResult {
  table: Table;
  format: 'csv' | 'tsv' | 'json' | 'parquet' | 'xlsx';
  /** The CSV/TSV delimiter that was used. */
  delimiter?: string;
  /** The text encoding a text file was read in. */
  encoding?: TextEncoding;
  /** Things a person should know that did not stop the read (renamed columns, padded short rows ...). */
  warnings: string[];
}

/** Lower-case extension without the dot ('' when none). */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * A ByteSource over bytes already in memory (tests, pasted text, the Node runner). `chunkSize` may be a function so
 * tests can cut the stream at arbitrary places.
 */
export function bytesSource(name: string, data: Uint8Array | string, chunkSize: number | (() => number) = 1 << 16): ByteSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.byteLength,
    stream() {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(ctrl) {
          if (at >= bytes.byteLength) return ctrl.close();
          const step = typeof chunkSize === 'number' ? chunkSize : chunkSize();
          const end = Math.min(bytes.byteLength, at + Math.max(1, step));
          ctrl.enqueue(bytes.slice(at, end));
          at = end;
        },
      });
    },
  };
}

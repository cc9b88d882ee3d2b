/**
 * readTable: one entry point for every format. The extension decides (.csv .tsv .txt .json .ndjson .jsonl
 * .parquet), except that Parquet's "PAR1" magic always wins; without a known extension the first bytes decide
 * ('[' or '{' → JSON, otherwise CSV).
 */
import { EnclaveError, throwIfAborted } from '../errors.ts';
import { readCsv } from './csv.ts';
import { applyDateFormats } from './date-format.ts';
import { isXlsxName, readXlsx } from './xlsx/index.ts';
import { readJson } from './json.ts';
import { readParquet, type ParquetReadOptions } from './parquet.ts';
import { firstSignificantByte, isParquetMagic } from './sniff.ts';
import { extensionOf, type ByteSource, type ReadResult } from './source.ts';
import { checkSize, concatBytes } from './stream.ts';

export type { ByteSource, ReadOptions, ReadProgress, ReadResult } from './source.ts';
export type { ParquetReadOptions } from './parquet.ts';
export { bytesSource, extensionOf } from './source.ts';
export { readCsv, DEFAULT_CSV_ENGINE } from './csv.ts';
export { readJson } from './json.ts';
export { readParquet } from './parquet.ts';
export type { DateFormatOption, ImportOptions, TextEncoding } from './import-options.ts';
export { checkImportOptions } from './import-options.ts';

const CSV_EXT = new Set(['csv', 'tsv', 'tab', 'txt']);
const JSON_EXT = new Set(['json', 'ndjson', 'jsonl']);
const PARQUET_EXT = new Set(['parquet', 'pq']);

/** How many bytes are looked at to pick the format (enough to skip a BOM and some leading whitespace). */
const PEEK_BYTES = 4096;

/**
 * The first bytes of a source, and a source that still yields all of them. Uses slice() when the source has it
 * (a Blob/File: no bytes are read twice from a stream); otherwise reads the head off the stream and replays it.
 */
export async function peek(source: ByteSource, n = PEEK_BYTES): Promise<{ head: Uint8Array; source: ByteSource }> {
  if (source.slice) {
    const head = new Uint8Array(await new Response(source.slice(0, n).stream()).arrayBuffer());
    return { head, source };
  }
  const reader = source.stream().getReader();
  const parts: Uint8Array[] = [];
  let got = 0;
  let ended = false;
  while (got < n) {
    const r = await reader.read();
    if (r.done) { ended = true; break; }
    parts.push(r.value);
    got += r.value.byteLength;
  }
  const head = concatBytes(parts, got);
  let used = false;
  const replay: ByteSource = {
    name: source.name,
    size: source.size,
    stream() {
      if (used) throw new Error('peek(): the replayed source can be streamed only once');
      used = true;
      return new ReadableStream<Uint8Array>({
        start(ctrl) {
          if (head.byteLength) ctrl.enqueue(head);
          if (ended) ctrl.close();
        },
        async pull(ctrl) {
          const r = await reader.read();
          if (r.done) ctrl.close();
          else ctrl.enqueue(r.value);
        },
        cancel(reason) { return reader.cancel(reason); },
      });
    },
  };
  return { head, source: replay };
}

/** Formats people often try, named so the message can say what to do instead of "binary file". */
const SPREADSHEET_EXT = new Set(['xls', 'ods', 'numbers']);

function unsupported(what: string): EnclaveError {
  return new EnclaveError('unsupported-format', `${what} Enclave reads CSV, TSV, JSON (or JSON Lines), Parquet and Excel (.xlsx) files.`);
}

export async function readTable(source: ByteSource, opts: ParquetReadOptions = {}): Promise<ReadResult> {
  const result = await readAny(source, opts);
  if (!opts.dateFormats?.length) return result;
  return { ...result, table: applyDateFormats(result.table, opts.dateFormats, result.warnings) };
}

async function readAny(source: ByteSource, opts: ParquetReadOptions): Promise<ReadResult> {
  throwIfAborted(opts.signal);
  checkSize(source, opts.maxBytes);
  const ext = extensionOf(source.name);
  if (PARQUET_EXT.has(ext)) return readParquet(source, opts);
  if (isXlsxName(source.name)) return readXlsx(source, opts);
  if (SPREADSHEET_EXT.has(ext)) throw unsupported('This is a spreadsheet file Enclave does not read: save it as an Excel workbook (.xlsx) or as CSV first.');
  const peeked = await peek(source);
  const src = peeked.source;
  const h = peeked.head;
  if (isParquetMagic(h)) return readParquet(src, opts);
  if (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) {
    throw unsupported('This is a ZIP archive (an Excel workbook is one: name it .xlsx to read it as one): unzip it, or export the sheet as CSV.');
  }
  if (h[0] === 0x1f && h[1] === 0x8b) throw unsupported('This file is gzip-compressed: decompress it first.');
  if (JSON_EXT.has(ext)) return readJson(src, opts);
  if (CSV_EXT.has(ext)) return readCsv(src, opts);
  const first = firstSignificantByte(peeked.head);
  if (first === 0x5b || first === 0x7b) return readJson(src, opts); // '[' or '{'
  return readCsv(src, opts);
}

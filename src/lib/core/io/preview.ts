/**
 * The import preview: the first rows of a file as they would be read with the options chosen, the first lines as
 * they are, and a suggestion when the file looks like it needs options (not UTF-8, a count line before the rows,
 * a first line of data rather than names). Reads only the first 64 KiB of a text file, so it is quick to redo at
 * every change of an option, however large the file.
 */
import type { ErrorCode } from '../errors.ts';
import { toErrorShape } from '../errors.ts';
import { isMissingToken, parseNumber } from '../infer/cells.ts';
import { rowArrays, type ColumnType } from '../table.ts';
import Papa from 'papaparse';
import { readTable } from './index.ts';
import type { ImportOptions, TextEncoding } from './import-options.ts';
import { firstSignificantByte, HEAD_BYTES, invalidUtf8Count, isParquetMagic, sniffDelimiter } from './sniff.ts';
import { bytesSource, extensionOf, type ByteSource, type ReadResult } from './source.ts';
import { bomEncoding } from './text-stream.ts';
import { readXlsxPreview, isXlsxName } from './xlsx/index.ts';

/** Rows shown in a preview. */
export const PREVIEW_ROWS = 20;
/** Lines of the file shown as they are. */
export const PREVIEW_LINES = 12;

export interface ImportSuggestion {
  /** The options to use (merged over the current ones). */
  options: ImportOptions;
  /** Why, in the person's terms, one sentence per option. */
  reasons: string[];
}

export interface ImportPreview {
  format: ReadResult['format'];
  /** The first lines of a text file as decoded, before any are skipped (line 1 first). */
  lines: string[];
  /** A text file's encoding, as read. */
  encoding?: TextEncoding;
  delimiter?: string;
  /** An Excel workbook's sheets, in order; `sheet` the one previewed. */
  sheets?: string[];
  sheet?: string;
  columns: { name: string; type: ColumnType }[];
  /** The first rows (at most PREVIEW_ROWS), dates as ISO text. */
  rows: (number | boolean | string | null)[][];
  /** The preview read the whole file (so `rows` are all its rows, up to PREVIEW_ROWS). */
  complete: boolean;
  /** Why the file cannot be read with these options, or null. */
  error: { code: ErrorCode; message: string } | null;
  warnings: string[];
  /** Options the file looks like it needs, or null. */
  suggestion: ImportSuggestion | null;
}

const TEXT_EXT = new Set(['csv', 'tsv', 'tab', 'txt', '']);

/** The first `n` bytes of a source (a Blob's slice where it has one: nothing more is read). */
async function headOf(source: ByteSource, n: number): Promise<Uint8Array> {
  if (source.slice) return new Uint8Array(await new Response(source.slice(0, n).stream()).arrayBuffer());
  const reader = source.stream().getReader();
  const parts: Uint8Array[] = [];
  let got = 0;
  try {
    while (got < n) {
      const r = await reader.read();
      if (r.done) break;
      parts.push(r.value);
      got += r.value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(got);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out.subarray(0, Math.min(n, got));
}

/** The file's first rows read with `options`, and a suggestion when it needs some. */
export async function previewImport(source: ByteSource, options: ImportOptions = {}): Promise<ImportPreview> {
  if (isXlsxName(source.name)) return readXlsxPreview(source, options, PREVIEW_ROWS);
  if (!TEXT_EXT.has(extensionOf(source.name))) {
    // JSON and Parquet say their own structure: no options apply, and nothing is read here.
    return { format: extensionOf(source.name) === 'parquet' ? 'parquet' : 'json', lines: [], columns: [], rows: [], complete: false, error: null, warnings: [], suggestion: null };
  }
  const head = await headOf(source, HEAD_BYTES);
  const first = firstSignificantByte(head);
  if (extensionOf(source.name) === '' && (isParquetMagic(head) || first === 0x5b || first === 0x7b)) {
    return { format: isParquetMagic(head) ? 'parquet' : 'json', lines: [], columns: [], rows: [], complete: false, error: null, warnings: [], suggestion: null };
  }
  const complete = head.byteLength >= source.size;
  const bom = bomEncoding(head);
  const encoding: TextEncoding = options.encoding ?? (bom === 'utf-16le' || bom === 'utf-16be' ? bom : 'utf-8');
  let text = new TextDecoder(encoding).decode(head);
  if (!complete) {
    // The last line may be cut: leave it out (and a character cut by the 64 KiB mark with it).
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (cut > 0) text = text.slice(0, cut + 1);
  }
  const lines = text.split(/\r\n|\n|\r/, PREVIEW_LINES + 1).slice(0, PREVIEW_LINES);
  const sample = bytesSource(source.name, new TextEncoder().encode(text));
  let result: ReadResult | null = null;
  let error: ImportPreview['error'] = null;
  try {
    result = await readTable(sample, { ...options, encoding: 'utf-8' });
  } catch (e) {
    const shape = toErrorShape(e);
    error = { code: shape.code, message: shape.message };
  }
  const delimiter = options.delimiter ?? result?.delimiter ?? sniffDelimiter(text, true);
  const invalidUtf8 = !options.encoding && !bom && invalidUtf8Count(head, complete) > 0;
  const suggestion = suggest(text, delimiter, options, invalidUtf8);
  return {
    format: result?.format ?? (delimiter === '\t' ? 'tsv' : 'csv'),
    lines,
    encoding,
    delimiter,
    columns: result ? result.table.columns.map((c) => ({ name: c.name, type: c.type })) : [],
    rows: result ? rowArrays(result.table, 0, PREVIEW_ROWS) : [],
    complete,
    error,
    warnings: result?.warnings.filter((w) => !/not valid UTF-8/.test(w)) ?? [],
    suggestion,
  };
}

const isNumberCell = (s: string) => !Number.isNaN(parseNumber(s));

/**
 * What the first lines say the file needs, for options the person has not set: Latin-1 when the bytes are not
 * UTF-8; lines to skip when the first records have another field count than the rest (scikit-learn's "569,30,…"
 * count line); no header row when the would-be header holds numbers as the rows below it do, and both when it
 * holds numbers and text where the rows hold numbers (iris's "150,4,setosa,versicolor,virginica").
 */
function suggest(text: string, delimiter: string, options: ImportOptions, invalidUtf8: boolean): ImportSuggestion | null {
  const out: ImportOptions = {};
  const reasons: string[] = [];
  if (invalidUtf8) {
    out.encoding = 'windows-1252';
    reasons.push('The file is not valid UTF-8 (accented letters would show as "\uFFFD"): it was probably saved as Latin-1 (Windows-1252), as Excel does.');
  }
  // Records as the reader would see them: after the lines the person skips already.
  const base = options.skipLines ?? 0;
  const seen = Papa.parse<string[]>(base ? text.split(/\r\n|\n|\r/).slice(base).join('\n') : text, { delimiter, preview: 60, skipEmptyLines: 'greedy' }).data;
  let k = 0;
  if (options.skipLines === undefined && seen.length >= 3) {
    const mode = modal(seen.slice(1).map((r) => r.length));
    while (k < Math.min(10, seen.length - 2) && seen[k].length !== mode) k++;
    if (k > 0) {
      out.skipLines = k;
      const first = seen[0].join(delimiter);
      reasons.push(`The first ${k === 1 ? 'line' : `${k} lines`} ("${first.length > 60 ? first.slice(0, 60) + '…' : first}") ${k === 1 ? 'has' : 'have'} ${seen[0].length} field${seen[0].length === 1 ? '' : 's'} where the rows have ${mode}: skip ${k === 1 ? 'it' : 'them'}.`);
    }
  }
  const rows = seen.slice(k);
  if (options.header === undefined && rows.length >= 2) {
    const header = rows[0];
    const data = rows.slice(1);
    const numericColumn = header.map((_, i) => {
      let any = false;
      for (const r of data) {
        const c = r[i];
        if (c === undefined || isMissingToken(c)) continue;
        if (!isNumberCell(c)) return false;
        any = true;
      }
      return any;
    });
    const numbers = header.filter((c) => isNumberCell(c)).length;
    const misfits = header.filter((c, i) => numericColumn[i] && !isNumberCell(c) && !isMissingToken(c)).length;
    const shown = header.join(delimiter);
    const quoted = `"${shown.length > 60 ? shown.slice(0, 60) + '…' : shown}"`;
    if (numbers > 0 && misfits > 0 && options.skipLines === undefined && k === 0) {
      out.skipLines = 1;
      out.header = false;
      reasons.push(`The first line (${quoted}) is neither column names nor a row: it has numbers, and text where the rows have numbers (a count line). Skip it, and name the columns column_1, column_2, …`);
    } else if (numbers > 0 && misfits === 0 && numbers * 2 >= header.length) {
      out.header = false;
      reasons.push(`The ${base + k > 0 ? 'next' : 'first'} line (${quoted}) holds numbers like the rows below it: it is a row, not column names. Read it as data, and name the columns column_1, column_2, …`);
    }
  }
  return reasons.length ? { options: out, reasons } : null;
}

/** The most frequent value (the first such). */
function modal(xs: number[]): number {
  const counts = new Map<number, number>();
  let best = xs[0], bestN = 0;
  for (const x of xs) {
    const n = (counts.get(x) ?? 0) + 1;
    counts.set(x, n);
    if (n > bestN) { best = x; bestN = n; }
  }
  return best;
}

/**
 * How a person tells the readers to take a file that is not read right as it is: lines to skip before the header,
 * no header row, the delimiter, the decimal comma, the text encoding, a date format per column, and an Excel
 * workbook's sheet. The same options come from the Data page (through the worker), from `enclave profile` flags,
 * and from tests; they are checked here once, whatever their origin.
 */
import { EnclaveError } from '../errors.ts';
import { checkDateFormat } from './date-format.ts';

/** Text encodings a file may be read in. Latin-1 is read as Windows-1252, as browsers (WHATWG Encoding) do. */
export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'];

/** Labels people use for the encodings, as accepted by checkImportOptions and the CLI. */
const ENCODING_LABELS: ReadonlyMap<string, TextEncoding> = new Map([
  ['utf-8', 'utf-8'], ['utf8', 'utf-8'],
  ['windows-1252', 'windows-1252'], ['cp1252', 'windows-1252'], ['latin1', 'windows-1252'], ['latin-1', 'windows-1252'], ['iso-8859-1', 'windows-1252'],
  ['utf-16le', 'utf-16le'], ['utf16le', 'utf-16le'], ['utf-16', 'utf-16le'],
  ['utf-16be', 'utf-16be'], ['utf16be', 'utf-16be'],
]);

export const DELIMITER_CHOICES: readonly string[] = [',', ';', '\t', '|'];

/** A date format for one column: tokens YYYY YY MMMM MMM MM M DD D HH H mm ss SSS, anything else literal. */
export interface DateFormatOption {
  column: string;
  format: string;
}

export interface ImportOptions {
  /** Lines (CSV/TSV: physical lines; Excel: rows) to skip before the header row. Default 0. */
  skipLines?: number;
  /** The first line read is the header (default true); false names the columns column_1, column_2, … */
  header?: boolean;
  /** CSV delimiter: ',', ';', '\t' or '|'. Default: guessed from the first 64 KiB (tab for .tsv). */
  delimiter?: string;
  /**
   * Numbers are written with a decimal comma (1,5). Default: accepted where the delimiter is not a comma, unless a
   * column mixes 1,5 and 2.5. true also reads 1,234 as 1.234; false never reads a comma as a decimal.
   */
  decimalComma?: boolean;
  /** Default: UTF-8, or UTF-16 when the file starts with a UTF-16 byte order mark. */
  encoding?: TextEncoding;
  /** Columns whose text is read as dates in the given format (values that do not fit become missing, counted). */
  dateFormats?: DateFormatOption[];
  /** Excel workbooks: the sheet to read (default the first). */
  sheet?: string;
}

/** The most lines that may be skipped (a header further down is a report, not a table). */
export const MAX_SKIP_LINES = 10_000;

function invalid(message: string): EnclaveError {
  return new EnclaveError('invalid-argument', message);
}

/** An encoding label ('latin1', 'UTF-8', 'cp1252' …) as a TextEncoding, or an invalid-argument error. */
export function parseEncoding(label: string): TextEncoding {
  const e = ENCODING_LABELS.get(label.trim().toLowerCase());
  if (!e) throw invalid(`Unknown text encoding "${label}": use utf-8, latin1 (windows-1252), utf-16le or utf-16be.`);
  return e;
}

/** "Col=MMM D YYYY" (the CLI's --date-format) as a DateFormatOption. */
export function parseDateFormatFlag(flag: string): DateFormatOption {
  const eq = flag.lastIndexOf('=');
  if (eq <= 0 || eq === flag.length - 1) throw invalid(`A date format is COLUMN=FORMAT, e.g. "date=DD/MM/YYYY" (got "${flag}").`);
  return checkDateFormatOption({ column: flag.slice(0, eq), format: flag.slice(eq + 1) });
}

function checkDateFormatOption(x: unknown): DateFormatOption {
  if (typeof x !== 'object' || x === null) throw invalid('A date format is { column, format }.');
  const { column, format } = x as { column?: unknown; format?: unknown };
  if (typeof column !== 'string' || column === '' || typeof format !== 'string') throw invalid('A date format is { column, format }, both text.');
  checkDateFormat(format);
  return { column, format };
}

/**
 * Options from outside (a message from the page, CLI flags), checked: each field of its type and range, nothing
 * else kept. Throws invalid-argument naming the field.
 */
export function checkImportOptions(x: unknown): ImportOptions {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'object' || Array.isArray(x)) throw invalid('Import options must be an object.');
  const o = x as Record<string, unknown>;
  const out: ImportOptions = {};
  if (o.skipLines !== undefined) {
    const n = o.skipLines;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SKIP_LINES) throw invalid(`Lines to skip must be a whole number from 0 to ${MAX_SKIP_LINES.toLocaleString('en-US')}.`);
    out.skipLines = n;
  }
  if (o.header !== undefined) {
    if (typeof o.header !== 'boolean') throw invalid('"header" must be true or false.');
    out.header = o.header;
  }
  if (o.delimiter !== undefined) {
    if (typeof o.delimiter !== 'string' || !DELIMITER_CHOICES.includes(o.delimiter)) throw invalid('The delimiter must be one of: comma, semicolon, tab, pipe.');
    out.delimiter = o.delimiter;
  }
  if (o.decimalComma !== undefined) {
    if (typeof o.decimalComma !== 'boolean') throw invalid('"decimalComma" must be true or false.');
    out.decimalComma = o.decimalComma;
  }
  if (o.encoding !== undefined) {
    if (typeof o.encoding !== 'string') throw invalid('The encoding must be text.');
    out.encoding = parseEncoding(o.encoding);
  }
  if (o.dateFormats !== undefined) {
    if (!Array.isArray(o.dateFormats)) throw invalid('"dateFormats" must be a list of { column, format }.');
    out.dateFormats = o.dateFormats.map(checkDateFormatOption);
  }
  if (o.sheet !== undefined) {
    if (typeof o.sheet !== 'string' || o.sheet === '') throw invalid('The sheet must be named.');
    out.sheet = o.sheet;
  }
  return out;
}

/** The options a person chose, in words ("skip 1 line, no header row"), for messages and the page. */
export function describeOptions(o: ImportOptions): string {
  const parts: string[] = [];
  if (o.skipLines) parts.push(`skip ${o.skipLines} line${o.skipLines === 1 ? '' : 's'}`);
  if (o.header === false) parts.push('no header row');
  if (o.delimiter) parts.push(`delimiter ${o.delimiter === '\t' ? 'tab' : `"${o.delimiter}"`}`);
  if (o.decimalComma !== undefined) parts.push(o.decimalComma ? 'decimal comma' : 'decimal point');
  if (o.encoding) parts.push(ENCODING_NAMES.get(o.encoding)!);
  for (const d of o.dateFormats ?? []) parts.push(`"${d.column}" as dates ${d.format}`);
  if (o.sheet) parts.push(`sheet "${o.sheet}"`);
  return parts.join(', ');
}

/** The encodings as a person reads them. */
export const ENCODING_NAMES: ReadonlyMap<TextEncoding, string> = new Map([
  ['utf-8', 'UTF-8'],
  ['windows-1252', 'Latin-1 (Windows-1252)'],
  ['utf-16le', 'UTF-16 LE'],
  ['utf-16be', 'UTF-16 BE'],
]);

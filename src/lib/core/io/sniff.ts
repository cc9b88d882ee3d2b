/**
 * Looking at the first bytes of a file before parsing it: empty, binary, which delimiter; readText opens a text file
 * (CSV, TSV, JSON) with those checks.
 */
import Papa from 'papaparse';
import { EnclaveError } from '../errors.ts';
import type { ByteSource, ReadOptions } from './source.ts';
import { checkSize, chunks, prepend, Progress, takeHead } from './stream.ts';
import { TextCheck } from './text-check.ts';
import type { TextEncoding } from './import-options.ts';
import { skipLines, toUtf8 } from './text-stream.ts';

/** How much of the file the sniffers look at. */
export const HEAD_BYTES = 64 * 1024;

export const DELIMITERS = [',', ';', '\t', '|'];

export function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

export function isParquetMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x41 && b[2] === 0x52 && b[3] === 0x31; // "PAR1"
}

/** True when the bytes are only whitespace (after an optional BOM). */
export function isBlank(b: Uint8Array): boolean {
  for (let i = hasUtf8Bom(b) ? 3 : 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b) return false;
  }
  return true;
}

/** First non-whitespace byte after an optional BOM, or -1. */
export function firstSignificantByte(b: Uint8Array): number {
  for (let i = hasUtf8Bom(b) ? 3 : 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b) return c;
  }
  return -1;
}

export function emptyFileError(): EnclaveError {
  return new EnclaveError('empty-file', 'This file is empty: it has no header row and no data.');
}

/**
 * Bytes that are not valid UTF-8. A multi-byte sequence cut off by the end of `b` counts only when `complete`
 * (the head of a longer file may end mid-character). Overlong forms are not distinguished: this is a heuristic.
 */
export function invalidUtf8Count(b: Uint8Array, complete: boolean): number {
  let bad = 0;
  const n = b.length;
  for (let i = 0; i < n; ) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) { bad++; i++; continue; }
    if (i + need >= n && !complete) break; // cut off by the end of the sample, not invalid
    let ok = i + need < n;
    for (let k = 1; ok && k <= need; k++) ok = (b[i + k] & 0xc0) === 0x80;
    if (ok) i += need + 1;
    else { bad++; i++; }
  }
  return bad;
}

/**
 * Throws 'binary-file' when the head of a file is not text: UTF-16 (a BOM or NUL bytes), any NUL byte, or more
 * than 10% of bytes that are invalid UTF-8 or control characters. Returns how many bytes were invalid UTF-8.
 */
export function checkText(head: Uint8Array, complete: boolean): number {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    throw new EnclaveError('binary-file', 'This file is encoded as UTF-16. Save it as UTF-8 (CSV UTF-8) and try again.');
  }
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === 0) {
      throw new EnclaveError(
        'binary-file',
        `This does not look like a text file (it contains a NUL byte at byte ${i + 1}). Enclave reads CSV, TSV, JSON and Parquet files.`,
        { offset: i },
      );
    }
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) control++;
  }
  const invalid = invalidUtf8Count(head, complete);
  if (head.length > 0 && (control + invalid) / head.length > 0.1) {
    const pct = Math.round(((control + invalid) / head.length) * 100);
    throw new EnclaveError(
      'binary-file',
      `This does not look like a text file (${pct}% of its first ${head.length} bytes are control characters or invalid UTF-8). Enclave reads CSV, TSV, JSON and Parquet files.`,
      { share: pct / 100 },
    );
  }
  return invalid;
}

/**
 * Papa Parse's delimiter guess (most consistent field count over the first 10 non-blank rows) among , ; tab |.
 * `complete` says the sample is the whole file; otherwise its last, possibly cut, line is left out.
 */
export function sniffDelimiter(sample: string, complete: boolean): string {
  const cut = complete ? -1 : Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
  const text = cut > 0 ? sample.slice(0, cut) : sample;
  const meta = Papa.parse<string[]>(text, { preview: 10, delimitersToGuess: DELIMITERS, skipEmptyLines: true }).meta;
  return DELIMITERS.includes(meta.delimiter) ? meta.delimiter : ',';
}

/** A text file opened by readText: its first bytes, checked, and the whole file's chunks, those bytes first. */
export interface TextHead {
  /** At least HEAD_BYTES, or the whole file when it is shorter. */
  head: Uint8Array;
  /** The head is the whole file. */
  ended: boolean;
  /** How many bytes of the head are invalid UTF-8 (checkText). */
  invalid: number;
  /** The whole file's chunks, each checked by `check` as it passes (a NUL byte anywhere refuses the file). */
  input: AsyncGenerator<Uint8Array>;
  /** Bytes that are not UTF-8 in what `input` yielded so far, and where the first was (invalidUtf8Warning). */
  check: TextCheck;
  progress: Progress;
  /** The encoding the file was read in (its bytes reach `head` and `input` as UTF-8). */
  encoding: TextEncoding;
  /** The physical line of the file where `input` starts (1 + the lines skipped). */
  firstLine: number;
}

/** `input`, each chunk checked by `check` before it is yielded. */
export async function* checked(input: AsyncIterable<Uint8Array>, check: TextCheck): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    check.push(chunk);
    yield chunk;
  }
  check.end();
}

/**
 * Opens a text file (CSV, TSV, JSON) for `read`: checks its size, takes its head and refuses an empty or binary file,
 * then hands on the head and the whole stream. The file is released when `read` ends, also when it stopped early.
 */
export async function readText<T>(source: ByteSource, opts: ReadOptions, read: (file: TextHead) => Promise<T>): Promise<T> {
  checkSize(source, opts.maxBytes);
  const progress = new Progress(source.size, opts.onProgress);
  const raw = chunks(source, opts, progress);
  try {
    // Other encodings become UTF-8 as they stream; the lines before the header are left out before anything looks.
    const { chunks: text, encoding } = await toUtf8(raw, opts.encoding);
    const skip = opts.skipLines ?? 0;
    const it = skip > 0 ? skipLines(text, skip) : text;
    const { head, ended } = await takeHead(it, HEAD_BYTES);
    if (ended && isBlank(head)) throw emptyFileError();
    const invalid = checkText(head, ended);
    const check = new TextCheck();
    return await read({ head, ended, invalid, input: checked(prepend(head, it), check), check, progress, encoding, firstLine: skip + 1 });
  } finally {
    await raw.return(undefined); // releases the file when parsing stopped early
  }
}

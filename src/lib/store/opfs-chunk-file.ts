/**
 * One file per stored version in the Origin Private File System: every chunk of the version, so saving it is a few
 * large sequential writes instead of thousands of structured clones into IndexedDB.
 *
 *   bytes 0–3   "ENCK"                 bytes 4–7  format (u32 LE, 2)      bytes 8–11  header length H (u32 LE)
 *   12 … 12+H   header, UTF-8 JSON: { hash, size, chunks: [[column, index, rows, valuesEncoding, valuesAt,
 *               valuesLength, validEncoding, validAt, validLength, dictionaryAt (−1: none), dictionaryLength], …] }
 *   then        each chunk's values bytes, valid bytes and dictionary (UTF-8 JSON array of strings), at those offsets
 *               (absolute, from the start of the file), in the order of the entries.
 *
 * Each chunk's parts are encoded as its data allows (opfs-chunk-encoding.ts), decided when the file is laid out:
 *   valuesEncoding 0  raw: the chunk's own bytes (float64 values, or int32 codes of a text column), little-endian.
 *                  1  bits: float64 values that are all exactly +0 or 1.0 (absent rows included, so the bytes
 *                     round-trip exactly), one bit a row: row r is bit (r mod 8) of byte ⌊r / 8⌋, least significant
 *                     bit first, a set bit 1.0; valuesLength is ⌈rows / 8⌉ and the unused high bits of the last byte
 *                     are 0. -0, NaN and every other value keep the chunk raw. Only for chunks the caller marks
 *                     numeric.
 *   validEncoding  0  raw: one byte a row, validLength = rows.
 *                  1  all present (every byte 1): nothing stored, validLength 0, validAt where it would have been.
 * A reader decodes every chunk back to its raw bytes (float64 values, a byte a row of validity), as format 1 stored
 * them. Format 1 (still read) has entries of eight fields, [column, index, valuesAt, valuesLength, validAt,
 * validLength, dictionaryAt, dictionaryLength], every part raw, and rows = validLength.
 *
 * The prefix is written last, so a file cut short by a crash is either shorter than its header's `size` or has no
 * magic yet: such a file is treated as missing ("torn"), never read. Anything else out of shape (an unknown format or
 * encoding, a packed or validity length that does not match the rows, bits set past the last row, a part outside the
 * file) is damage and reads as a 'storage' error naming the file.
 */
import { EnclaveError } from '../core/errors.ts';
import type { ChunkAt, ChunkView } from './chunk-store.ts';
import type { ChunkRecord } from './db.ts';
import {
  allPresent, packedBytes, packZeroOne, paddingIsClear, presentMask, unpackZeroOne, VALID_ALL, VALID_RAW, VALUES_BITS, VALUES_RAW
} from './opfs-chunk-encoding.ts';

const MAGIC = [0x45, 0x4e, 0x43, 0x4b]; // "ENCK"
/** The format this build writes; it reads format 1 too. */
export const FORMAT = 2;
export const PREFIX_BYTES = 12;
/** Fields of a chunk entry in format 2, and in format 1. */
const FIELDS = 11;
const FIELDS_1 = 8;
/** Which fields of a format-2 entry are offsets in the file (valuesAt, validAt, dictionaryAt). */
const OFFSETS = [4, 7, 9];
const NOTHING = new Uint8Array(0);

export const chunkFileName = (hash: string) => `${hash}.chunks`;

/** The part of a FileSystemSyncAccessHandle (dedicated workers) that writing uses. */
export interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

/** The part of a FileSystemWritableFileStream (any context) that writing uses. */
export interface WritableHandle {
  write(data: { type: 'write'; position: number; data: Uint8Array }): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}

export interface ChunkFileLayout {
  size: number;
  /** Written in this order; the prefix (at 0) comes last. */
  parts: { at: number; bytes: Uint8Array }[];
}

/** Where every byte of a version's file goes, each chunk encoded as it allows. All chunks must share `hash`. */
export function layoutChunkFile(hash: string, chunks: readonly ChunkView[]): ChunkFileLayout {
  const encoder = new TextEncoder();
  const data: Uint8Array[] = [];
  const entries: number[][] = [];
  let offset = 0;
  const place = (bytes: Uint8Array) => {
    const at = offset;
    if (bytes.byteLength) data.push(bytes);
    offset += bytes.byteLength;
    return at;
  };
  for (const c of chunks) {
    const rows = c.valid.byteLength;
    const packed = c.bits ?? (c.numeric ? packZeroOne(c.values, rows) : undefined);
    const values = packed ?? c.values;
    const valuesAt = place(values);
    const present = allPresent(c.valid);
    const valid = present ? NOTHING : c.valid;
    const validAt = place(valid);
    const dict = c.dictionary ? encoder.encode(JSON.stringify(c.dictionary)) : undefined;
    const dictAt = dict ? place(dict) : -1;
    entries.push([c.column, c.index, rows, packed ? VALUES_BITS : VALUES_RAW, valuesAt, values.byteLength,
      present ? VALID_ALL : VALID_RAW, validAt, valid.byteLength, dictAt, dict?.byteLength ?? 0]);
  }
  // Offsets in the header are absolute, so they depend on the header's own length: fix them by iterating (the
  // length of the JSON only grows with the offsets, so this settles in a step or two).
  let headerBytes = new Uint8Array(0);
  let start = PREFIX_BYTES;
  for (;;) {
    const shift = (at: number) => (at < 0 ? at : at + start);
    const json = { hash, size: start + offset, chunks: entries.map((e) => e.map((x, k) => (OFFSETS.includes(k) ? shift(x) : x))) };
    headerBytes = encoder.encode(JSON.stringify(json));
    if (PREFIX_BYTES + headerBytes.byteLength === start) break;
    start = PREFIX_BYTES + headerBytes.byteLength;
  }
  const prefix = new Uint8Array(PREFIX_BYTES);
  prefix.set(MAGIC, 0);
  const view = new DataView(prefix.buffer);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, headerBytes.byteLength, true);
  const parts: ChunkFileLayout['parts'] = [{ at: PREFIX_BYTES, bytes: headerBytes }];
  let at = start;
  for (const bytes of data) {
    parts.push({ at, bytes });
    at += bytes.byteLength;
  }
  parts.push({ at: 0, bytes: prefix });
  return { size: start + offset, parts };
}

/**
 * A write that did not take every byte: Chromium answers a full quota this way (a count that is not the length, seen
 * as 4294967288), not by throwing. Said as storageError says a QuotaExceededError.
 */
function short(name: string, wrote: number, expected: number): EnclaveError {
  return new EnclaveError('too-large', 'The browser has no room left to store this data (storage quota exceeded).', { file: name, wrote, expected });
}

/** `bytes` in memory of its own when they lie in shared memory (an import's columns), else as they are. */
function unshared(bytes: Uint8Array): Uint8Array {
  return typeof SharedArrayBuffer === 'function' && bytes.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes;
}

/**
 * Writes a layout through a synchronous access handle (dedicated workers: no copy, no await per write). The
 * standard takes views of shared memory (Chromium does); a browser that refuses one (TypeError) gets a copy.
 */
export function writeSync(handle: SyncHandle, name: string, layout: ChunkFileLayout): void {
  handle.truncate(0);
  for (const p of layout.parts) {
    let n: number;
    try {
      n = handle.write(p.bytes, { at: p.at });
    } catch (err) {
      const copy = unshared(p.bytes);
      if (!(err instanceof TypeError) || copy === p.bytes) throw err;
      n = handle.write(copy, { at: p.at });
    }
    if (n !== p.bytes.byteLength) throw short(name, n, p.bytes.byteLength);
  }
  handle.flush();
}

/** Writes a layout through a writable stream (the page, where no synchronous handle exists; it takes no shared memory). */
export async function writeStream(stream: WritableHandle, layout: ChunkFileLayout): Promise<void> {
  try {
    for (const p of layout.parts) await stream.write({ type: 'write', position: p.at, data: unshared(p.bytes) });
    await stream.close();
  } catch (err) {
    await stream.abort?.().catch(() => undefined);
    throw err;
  }
}

/** A stored file's chunk entry, checked (format 1's as format 2's with raw parts). */
interface Entry {
  column: number; index: number; rows: number;
  valuesEncoding: number; valuesAt: number; valuesLength: number;
  validEncoding: number; validAt: number; validLength: number;
  dictAt: number; dictLength: number;
}

/** The checked chunk entries of a version's file (what readChunkFile needs besides the file; safe to keep). */
export type ChunkFileHeader = readonly Readonly<Entry>[];

export const TORN = Symbol('torn');

function damaged(hash: string, name: string, what: string): EnclaveError {
  return new EnclaveError('storage', `Stored data for version ${hash.slice(0, 12)} is damaged (chunk file ${name}: ${what}). Re-import the file.`, { hash, file: name, problem: what });
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** The header of a version's file, checked against the file's size; TORN when the file was never completed. */
export async function readHeader(file: Blob, hash: string): Promise<ChunkFileHeader | typeof TORN> {
  const name = chunkFileName(hash);
  if (file.size < PREFIX_BYTES) return TORN;
  const prefix = new Uint8Array(await file.slice(0, PREFIX_BYTES).arrayBuffer());
  // No magic yet: the writer stopped before its last write (the prefix).
  if (prefix.slice(0, 4).every((b) => b === 0)) return TORN;
  if (!MAGIC.every((b, i) => prefix[i] === b)) throw damaged(hash, name, 'not a chunk file');
  const view = new DataView(prefix.buffer);
  const format = view.getUint32(4, true);
  if (format !== 1 && format !== FORMAT) throw damaged(hash, name, `unknown format ${format}`);
  const headerLength = view.getUint32(8, true);
  if (PREFIX_BYTES + headerLength > file.size) return TORN;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await file.slice(PREFIX_BYTES, PREFIX_BYTES + headerLength).arrayBuffer()));
  } catch {
    throw damaged(hash, name, 'unreadable header');
  }
  const h = header as { hash?: unknown; size?: unknown; chunks?: unknown } | null;
  if (typeof h !== 'object' || h === null || h.hash !== hash) throw damaged(hash, name, 'header names another version');
  if (!isCount(h.size)) throw damaged(hash, name, 'header has no size');
  if (h.size > file.size) return TORN;
  if (h.size !== file.size) throw damaged(hash, name, `${file.size} bytes where the header says ${h.size}`);
  if (!Array.isArray(h.chunks)) throw damaged(hash, name, 'header lists no chunks');
  const dataStart = PREFIX_BYTES + headerLength;
  const inside = (at: number, length: number) => at >= dataStart && at + length <= file.size;
  const fields = format === 1 ? FIELDS_1 : FIELDS;
  const dictField = fields - 2;
  return h.chunks.map((raw: unknown, i): Entry => {
    const ok = Array.isArray(raw) && raw.length === fields && raw.every((x, k) => (k === dictField ? x === -1 || isCount(x) : isCount(x)));
    if (!ok) throw damaged(hash, name, `chunk entry ${i} is malformed`);
    const e = format === 1 ? entryOf1(raw as number[]) : entryOf2(raw as number[]);
    const what = `chunk ${e.column}/${e.index}`;
    if (!inside(e.valuesAt, e.valuesLength) || !inside(e.validAt, e.validLength) || (e.dictAt !== -1 && !inside(e.dictAt, e.dictLength)))
      throw damaged(hash, name, `${what} lies outside the file`);
    if (e.valuesEncoding !== VALUES_RAW && e.valuesEncoding !== VALUES_BITS) throw damaged(hash, name, `${what} has an unknown values encoding ${e.valuesEncoding}`);
    if (e.validEncoding !== VALID_RAW && e.validEncoding !== VALID_ALL) throw damaged(hash, name, `${what} has an unknown validity encoding ${e.validEncoding}`);
    if (e.valuesEncoding === VALUES_BITS && e.valuesLength !== packedBytes(e.rows))
      throw damaged(hash, name, `${what} has ${e.valuesLength} packed bytes for ${e.rows} rows`);
    if (e.validLength !== (e.validEncoding === VALID_ALL ? 0 : e.rows))
      throw damaged(hash, name, `${what} has ${e.validLength} validity bytes for ${e.rows} rows`);
    return e;
  });
}

function entryOf1([column, index, valuesAt, valuesLength, validAt, validLength, dictAt, dictLength]: number[]): Entry {
  return { column, index, rows: validLength, valuesEncoding: VALUES_RAW, valuesAt, valuesLength, validEncoding: VALID_RAW, validAt, validLength, dictAt, dictLength };
}

function entryOf2([column, index, rows, valuesEncoding, valuesAt, valuesLength, validEncoding, validAt, validLength, dictAt, dictLength]: number[]): Entry {
  return { column, index, rows, valuesEncoding, valuesAt, valuesLength, validEncoding, validAt, validLength, dictAt, dictLength };
}

/** Adjacent chunks are read together up to this many bytes (one Blob read each: far fewer reads, bounded memory). */
const RUN_BYTES = 32 * 2 ** 20;

/** Where an entry's bytes lie: from its first part to the end of its last. */
function extent(e: Entry): [number, number] {
  const parts: [number, number][] = [[e.valuesAt, e.valuesLength], [e.validAt, e.validLength]];
  if (e.dictAt !== -1) parts.push([e.dictAt, e.dictLength]);
  return [Math.min(...parts.map(([at]) => at)), Math.max(...parts.map(([at, n]) => at + n))];
}

/**
 * The chunks of a version's file (with `keys`, only those), each in buffers of its own and decoded to raw bytes (as
 * format 1 stored them); TORN when the file was never completed. Throws a 'storage' error naming the file when it is
 * damaged. `header`: the file's header from an earlier readHeader of this very file (saves reading it again).
 */
export async function readChunkFile(file: Blob, hash: string, keys?: readonly ChunkAt[], header?: ChunkFileHeader, keepBits = false): Promise<ChunkRecord[] | typeof TORN> {
  const entries = header ?? (await readHeader(file, hash));
  if (entries === TORN) return TORN;
  const wanted = keys && new Set(keys.map(([c, i]) => `${c}/${i}`));
  const selected = (wanted ? entries.filter((e) => wanted.has(`${e.column}/${e.index}`)) : entries).map((e) => ({ e, span: extent(e) }));
  selected.sort((a, b) => a.span[0] - b.span[0]);
  // Runs of chunks that follow each other in the file (a whole version is one run per RUN_BYTES): each Blob read
  // costs far more than copying its bytes out again, as the first version of this reader (two reads per chunk) showed.
  const runs: (typeof selected)[] = [];
  for (const s of selected) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && s.span[0] === last.span[1] && s.span[1] - run[0].span[0] <= RUN_BYTES) run.push(s);
    else runs.push([s]);
  }
  const name = chunkFileName(hash);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: ChunkRecord[] = [];
  for (const run of runs) {
    const from = run[0].span[0];
    const buffer = await file.slice(from, run.at(-1)!.span[1]).arrayBuffer();
    const cut = (at: number, length: number) => buffer.slice(at - from, at - from + length);
    for (const { e } of run) {
      let values: ArrayBuffer;
      let bits: ArrayBuffer | undefined;
      if (e.valuesEncoding === VALUES_BITS) {
        const packed = new Uint8Array(buffer, e.valuesAt - from, e.valuesLength);
        if (!paddingIsClear(packed, e.rows)) throw damaged(hash, name, `chunk ${e.column}/${e.index} has bits set past its last row`);
        // Asked for bits: handed on as they are (a reader that can keep them as an indicator column never unpacks).
        if (keepBits) (bits = cut(e.valuesAt, e.valuesLength)), (values = new ArrayBuffer(0));
        else values = unpackZeroOne(packed, e.rows);
      } else values = cut(e.valuesAt, e.valuesLength);
      const valid = e.validEncoding === VALID_ALL ? presentMask(e.rows) : cut(e.validAt, e.validLength);
      const rec: ChunkRecord = { hash, column: e.column, index: e.index, values, valid };
      if (bits) rec.bits = bits;
      if (e.dictAt !== -1) rec.dictionary = parseDictionary(decoder, cut(e.dictAt, e.dictLength), () => damaged(hash, name, `chunk ${e.column}/${e.index} has an unreadable dictionary`));
      out.push(rec);
    }
  }
  return out;
}

function parseDictionary(decoder: TextDecoder, buffer: ArrayBuffer, fail: () => EnclaveError): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(buffer));
  } catch {
    throw fail();
  }
  if (!Array.isArray(parsed)) throw fail();
  for (const s of parsed) if (typeof s !== 'string') throw fail();
  return parsed as string[];
}

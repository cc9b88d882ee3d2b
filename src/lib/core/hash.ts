/**
 * Content hash of a Table: lowercase hex SHA-256 over canonical columnar bytes, so the same cells give the same hash
 * whatever file format or dictionary order they came from. It names a dataset version, so the construction below is
 * a stable format ("enclave-table-sha256/2"); changing any byte of it changes every stored hash. (Versions stored under
 * /1 keep their names: a name is only compared with others, never recomputed from the cells.)
 *
 * Notation: u32(x) = 4-byte little-endian unsigned; utf8(s) = UTF-8 bytes; json(o) = JSON.stringify(o) with keys in
 * the order written; H(b) = SHA-256; || = concatenation; n = table.rowCount.
 *
 *   Column stream S(c) = u32(len(h)) || h || V || D, where
 *     h = utf8(json({ name, type, kind, rowCount: n }))
 *     V = n bytes: 1 where the cell is present, 0 where absent
 *     D, numeric = n little-endian IEEE-754 doubles; absent cells written as 0, -0 as 0, every NaN as 0x7FF8000000000000
 *     D, string  = n × u32(canonical code; 0 where absent) || u32(k) || for each of the k entries in canonical order:
 *                  u32(len(utf8(e))) || utf8(e). Canonical codes number the distinct present strings in order of first
 *                  appearance over present rows, so dictionary order, unused entries and repeated entries do not matter.
 *     A numeric 'identifier' column (an integer key kept as numbers) is the string column of its texts String(v):
 *                  h says kind 'string', and D is the string form above, so it hashes as the string identifier would.
 *     A 0/1 column — any other numeric column whose n cells are all present and each +0, -0 or 1 (one-hot indicators,
 *                  flags, booleans with no missing cell) — is written as bits instead:
 *                  S(c) = u32(len(h)) || h || B, h = utf8(json({ name, type, kind, rowCount: n, bits: true })), B =
 *                  ⌈n/8⌉ bytes, row r's value in bit r mod 8 (least significant first) of byte ⌊r/8⌋, spare bits 0.
 *                  (Format /1 wrote these as V and D too: 9 bytes a cell where 1/8 says the same, and a prepared split
 *                  is mostly one-hot indicators — at 5M rows, 5.4 GB of SHA-256 for 0.1 GB of information.)
 *   Column digest C(c) = H(H(P1) || H(P2) || … || H(Pm)), P1…Pm the consecutive 16 MiB pieces of S(c), the last
 *                  one shorter and none empty (a small column has m = 1).
 *   Table hash = H(u32(len(t)) || t || C(c1) || … || C(cw)), t = utf8(json({ format, rowCount: n, columnCount: w })).
 *
 * Why a tree: crypto.subtle.digest is one-shot (no streaming update), and a column's canonical bytes can be hundreds of
 * MiB. Hashing fixed-size pieces and then their digests keeps extra memory to one 16 MiB buffer, a small staging
 * block and the copies of the few pieces being digested, whatever the table size. (Lone UTF-16 surrogates encode as U+FFFD, as TextEncoder does.)
 */
import { decimalLength, firstAppearance, numericFirstAppearance } from './profile/first-appearance.ts';
import type { Column, NumericColumn, Table } from './table.ts';
import { indicatorBits } from './indicator-column.ts';

export const HASH_FORMAT = 'enclave-table-sha256/2';
const PIECE_BYTES = 16 * 1024 * 1024;
const BLOCK_ROWS = 1 << 16;
/** Pieces handed to SHA-256 and not yet digested, at most (crypto.subtle copies each piece when called). */
const IN_FLIGHT = 4;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Bytes = Uint8Array<ArrayBuffer>;

/**
 * `pieceBytes` is for tests only (to exercise multi-piece columns on small data): any other value gives a
 * different hash than the documented format.
 *
 * SHA-256 runs off the JavaScript thread (crypto.subtle), so pieces are handed to it without waiting for the digest
 * of the one before (a few at a time), and the canonical bytes of the next piece are built meanwhile; a caller that
 * does not await the result at once (the import job profiles meanwhile) overlaps the rest too.
 */
export async function hashTable(table: Table, opts: { pieceBytes?: number } = {}): Promise<string> {
  return tableHash(table.rowCount, await columnDigests(table.columns, table.rowCount, opts));
}

/** C(c) of each column, in order. */
async function columnDigests(columns: readonly Column[], n: number, opts: { pieceBytes?: number } = {}): Promise<Bytes[]> {
  const pieceBytes = opts.pieceBytes ?? PIECE_BYTES;
  const pending: Promise<Bytes>[] = [];
  const digests: Promise<Bytes>[] = [];
  let buf: Bytes = new Uint8Array(0); // one piece buffer for every column (fresh memory costs page faults)
  for (const col of columns) {
    const pieceDigests: Promise<Bytes>[] = [];
    const { size, runs } = columnStream(col, n);
    const need = Math.max(1, Math.min(pieceBytes, size));
    if (buf.length < need) buf = new Uint8Array(need);
    for (const piece of pieces(runs, size, pieceBytes, buf.subarray(0, need))) {
      const d = sha256(piece); // copies `piece` before returning, so its buffer may be reused at once
      pieceDigests.push(d);
      pending.push(d);
      if (pending.length >= IN_FLIGHT) await pending.shift();
    }
    digests.push(Promise.all(pieceDigests).then((ds) => sha256(concat(ds))));
  }
  return Promise.all(digests);
}

/** The table hash of n rows from its column digests C(c1) … C(cw). */
async function tableHash(n: number, digests: Bytes[]): Promise<string> {
  const head = lengthPrefixed(JSON.stringify({ format: HASH_FORMAT, rowCount: n, columnCount: digests.length }));
  return hex(await sha256(concat([head, ...digests])));
}

/** S(c): its length in bytes, and its bytes as a sequence of runs produced block by block. */
function columnStream(col: Column, n: number): { size: number; runs: Iterable<Bytes> } {
  if (col.kind === 'numeric' && col.type === 'identifier') return identifierStream(col, n);
  if (col.kind === 'numeric') {
    const bits = zeroOneBits(col, n);
    if (bits) {
      const header = lengthPrefixed(JSON.stringify({ name: col.name, type: col.type, kind: col.kind, rowCount: n, bits: true }));
      return { size: header.length + bits.length, runs: [header, bits] };
    }
  }
  const header = lengthPrefixed(JSON.stringify({ name: col.name, type: col.type, kind: col.kind, rowCount: n }));
  if (col.kind === 'numeric') return { size: header.length + 9 * n, runs: numericRuns(header, col, n) };
  const { remap, values: entries } = firstAppearance(col, n);
  const codes = col.codes;
  const valid = col.valid;
  return {
    size: header.length + 5 * n + entriesLength(entries),
    runs: stringRuns(header, valid, n, (out, s, e) => {
      for (let r = s; r < e; r++) out[r - s] = valid[r] ? remap[codes[r]] : 0;
    }, entries),
  };
}

/**
 * A numeric 'identifier' column is hashed as the string identifier column of its texts String(v) (kind 'string'),
 * so a table hashes the same whichever of the two forms its reader chose for an integer key.
 */
function identifierStream(col: NumericColumn, n: number): { size: number; runs: Iterable<Bytes> } {
  const header = lengthPrefixed(JSON.stringify({ name: col.name, type: col.type, kind: 'string', rowCount: n }));
  const { ids, values } = numericFirstAppearance(col, n);
  const valid = col.valid;
  let next = 0; // ids of an all-distinct ascending column: 0, 1, 2 … over present rows, filled in row order
  const fill = ids === null
    ? (out: Int32Array, s: number, e: number) => { for (let r = s; r < e; r++) out[r - s] = valid[r] ? next++ : 0; }
    : (out: Int32Array, s: number, e: number) => { for (let r = s; r < e; r++) out[r - s] = valid[r] ? ids[r] : 0; };
  let textBytes = 0;
  for (let i = 0; i < values.length; i++) textBytes += 4 + decimalLength(values[i]);
  return { size: header.length + 5 * n + 4 + textBytes, runs: stringRuns(header, valid, n, fill, values) };
}

/** V: the validity bytes, as 0/1 (the column's own bytes where they already are). */
function* validRuns(valid: Uint8Array, n: number, block: Bytes): Generator<Bytes> {
  for (let s = 0; s < n; s += BLOCK_ROWS) {
    const e = Math.min(n, s + BLOCK_ROWS);
    let plain = true;
    for (let r = s; r < e; r++) if (valid[r] > 1) { plain = false; break; }
    if (plain) yield valid.subarray(s, e) as Bytes;
    else {
      for (let r = s; r < e; r++) block[r - s] = valid[r] ? 1 : 0;
      yield block.subarray(0, e - s);
    }
  }
}

/**
 * B of a 0/1 column (every one of the n cells present, each ±0 or 1), or null for any other column. An indicator
 * column's own bits (its spare bits cleared), else one pass that stops at the first other cell.
 */
function zeroOneBits(col: NumericColumn, n: number): Bytes | null {
  const size = (n + 7) >> 3;
  const valid = col.valid;
  const own = indicatorBits(col); // (read before `values`, which would make an indicator's doubles)
  if (own) {
    for (let r = 0; r < n; r++) if (!valid[r]) return null; // (an indicator's cells are all present: checked, not assumed)
    const out = own.slice(0, size) as Bytes;
    if (n & 7) out[size - 1] &= (1 << (n & 7)) - 1;
    return out;
  }
  const values = col.values;
  const out = new Uint8Array(size);
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (!valid[r]) return null;
    if (v === 1) out[r >> 3] |= 1 << (r & 7);
    else if (v !== 0) return null;
  }
  return out;
}

function* numericRuns(header: Bytes, col: NumericColumn, n: number): Generator<Bytes> {
  yield header;
  const block = new Uint8Array(BLOCK_ROWS * 8);
  const view = new DataView(block.buffer);
  const f64 = new Float64Array(block.buffer);
  const { values, valid } = col;
  yield* validRuns(valid, n, block);
  for (let s = 0; s < n; s += BLOCK_ROWS) {
    const e = Math.min(n, s + BLOCK_ROWS);
    // The column's own bytes where no cell needs rewriting (absent → 0, -0 → 0, any NaN → the one quiet NaN).
    let clean = LITTLE_ENDIAN;
    for (let r = s; clean && r < e; r++) {
      const v = values[r];
      if (!valid[r] || v === 0 || v !== v) clean = false;
    }
    if (clean) {
      yield new Uint8Array(values.buffer, values.byteOffset + s * 8, (e - s) * 8) as Bytes;
      continue;
    }
    if (LITTLE_ENDIAN) {
      f64.set(values.subarray(s, e));
      for (let r = s; r < e; r++) {
        const v = values[r];
        if (!valid[r] || v === 0) f64[r - s] = 0;
        else if (v !== v) {
          // Written as bits: engines may keep a NaN's payload.
          view.setUint32((r - s) * 8, 0, true);
          view.setUint32((r - s) * 8 + 4, 0x7ff80000, true);
        }
      }
    } else {
      for (let r = s; r < e; r++) {
        const o = (r - s) * 8;
        const v = valid[r] ? values[r] : 0;
        if (v !== v) {
          view.setUint32(o, 0, true);
          view.setUint32(o + 4, 0x7ff80000, true);
        } else view.setFloat64(o, v === 0 ? 0 : v, true);
      }
    }
    yield block.subarray(0, (e - s) * 8);
  }
}

/** Header, V, the canonical codes (from `fill`), then the k entries: u32(k), then u32(len) || utf8 per entry. */
function* stringRuns(
  header: Bytes,
  valid: Uint8Array,
  n: number,
  fill: (out: Int32Array, s: number, e: number) => void,
  entries: string[] | Float64Array,
): Generator<Bytes> {
  yield header;
  const block = new Uint8Array(BLOCK_ROWS * 8);
  const view = new DataView(block.buffer);
  const i32 = new Int32Array(block.buffer);
  yield* validRuns(valid, n, block);
  for (let s = 0; s < n; s += BLOCK_ROWS) {
    const e = Math.min(n, s + BLOCK_ROWS);
    if (LITTLE_ENDIAN) fill(i32, s, e);
    else {
      const tmp = new Int32Array(e - s);
      fill(tmp, s, e);
      for (let r = 0; r < e - s; r++) view.setUint32(r * 4, tmp[r], true);
    }
    yield block.subarray(0, (e - s) * 4);
  }
  const encoder = new TextEncoder();
  view.setUint32(0, entries.length, true);
  let pos = 4;
  if (entries instanceof Float64Array) {
    // Decimal texts of numbers: ASCII, at most 25 bytes each (String of a double).
    for (let i = 0; i < entries.length; i++) {
      if (pos + 29 > block.length) {
        yield block.subarray(0, pos);
        pos = 0;
      }
      const len = writeDecimal(block, pos + 4, entries[i]);
      block[pos] = len; // < 256, so the u32's other bytes are 0
      block[pos + 1] = block[pos + 2] = block[pos + 3] = 0;
      pos += 4 + len;
    }
    if (pos > 0) yield block.subarray(0, pos);
    return;
  }
  for (const entry of entries) {
    const most = 4 + 3 * entry.length; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (pos + most > block.length) {
      yield block.subarray(0, pos);
      pos = 0;
    }
    if (most > block.length) {
      yield lengthPrefixed(entry);
      continue;
    }
    // ASCII (the usual case) byte by byte; anything else through TextEncoder.
    const len = entry.length;
    let k = 0;
    for (; k < len; k++) {
      const c = entry.charCodeAt(k);
      if (c >= 0x80) break;
      block[pos + 4 + k] = c;
    }
    const written = k === len ? len : encoder.encodeInto(entry, block.subarray(pos + 4)).written;
    view.setUint32(pos, written, true);
    pos += 4 + written;
  }
  if (pos > 0) yield block.subarray(0, pos);
}

/** u32(k) and every u32(len) || utf8 of the entries, in bytes. */
function entriesLength(entries: string[]): number {
  let total = 4;
  for (const e of entries) total += 4 + utf8Length(e);
  return total;
}

/** UTF-8 length as TextEncoder encodes (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 4 bytes for 2 units
      i++;
    } else n += 2; // 3 bytes (a lone surrogate too)
  }
  return n;
}

const DIGITS = new Uint8Array(32);

/** Writes String(v) (ASCII) at out[at…]; returns its length. Integers without building the string. */
function writeDecimal(out: Uint8Array, at: number, v: number): number {
  if (!Number.isSafeInteger(v)) {
    const s = String(v);
    for (let k = 0; k < s.length; k++) out[at + k] = s.charCodeAt(k);
    return s.length;
  }
  let len = 0;
  if (v < 0) {
    out[at + len++] = 45; // '-'
    v = -v;
  }
  let d = 0;
  if (v < 0x80000000) {
    let x = v | 0;
    do {
      const q = (x / 10) | 0;
      DIGITS[d++] = 48 + x - q * 10;
      x = q;
    } while (x > 0);
  } else {
    do {
      const q = Math.floor(v / 10);
      DIGITS[d++] = 48 + (v - q * 10);
      v = q;
    } while (v > 0);
  }
  while (d > 0) out[at + len++] = DIGITS[--d];
  return len;
}

/**
 * Regroups byte runs into consecutive pieces of `size` bytes (the last shorter, none empty), written into `buf`
 * (reused for every piece; min(size, total) bytes long, `total` the stream's length).
 */
function* pieces(runs: Iterable<Bytes>, total: number, size: number, buf: Bytes): Generator<Bytes> {
  let pos = 0;
  let left = total;
  for (const run of runs) {
    for (let off = 0; off < run.length; ) {
      const k = Math.min(buf.length - pos, run.length - off);
      buf.set(k === run.length ? run : run.subarray(off, off + k), pos);
      pos += k;
      off += k;
      if (pos === buf.length || pos === left) {
        yield pos === buf.length ? buf : buf.subarray(0, pos);
        left -= pos;
        pos = 0;
      }
    }
  }
  if (pos > 0 || left !== 0) throw new Error(`hash: the canonical stream was ${total - left + pos} bytes, not ${total}`);
}

function lengthPrefixed(s: string): Bytes {
  const body = new TextEncoder().encode(s);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, true);
  out.set(body, 4);
  return out;
}

async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function concat(parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Content hash of a Table: lowercase hex SHA-256 over canonical columnar bytes, so the same cells give the same hash
 * whatever file format or dictionary order they came from. It names a dataset version, so the construction below is
 * a stable format ("enclave-table-sha256/1"); changing any byte of it changes every stored hash.
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
 *   Column digest C(c) = H(H(P1) || H(P2) || … || H(Pm)), P1…Pm the consecutive 16 MiB pieces of S(c), the last
 *                  one shorter and none empty (a small column has m = 1).
 *   Table hash = H(u32(len(t)) || t || C(c1) || … || C(cw)), t = utf8(json({ format, rowCount: n, columnCount: w })).
 *
 * Why a tree: crypto.subtle.digest is one-shot (no streaming update), and a column's canonical bytes can be hundreds of
 * MiB. Hashing fixed-size pieces and then their digests keeps extra memory to one 16 MiB buffer plus a small staging
 * block, whatever the table size. (Lone UTF-16 surrogates encode as U+FFFD, as TextEncoder does.)
 */
import { firstAppearance } from './profile/first-appearance.ts';
import type { Column, Table } from './table.ts';

export const HASH_FORMAT = 'enclave-table-sha256/1';
const PIECE_BYTES = 16 * 1024 * 1024;
const BLOCK_ROWS = 1 << 16;

type Bytes = Uint8Array<ArrayBuffer>;

/**
 * `pieceBytes` is for tests only (to exercise multi-piece columns on small data): any other value gives a
 * different hash than the documented format.
 */
export async function hashTable(table: Table, opts: { pieceBytes?: number } = {}): Promise<string> {
  const pieceBytes = opts.pieceBytes ?? PIECE_BYTES;
  const n = table.rowCount;
  const parts: Bytes[] = [lengthPrefixed(JSON.stringify({ format: HASH_FORMAT, rowCount: n, columnCount: table.columns.length }))];
  for (const col of table.columns) {
    const pieceDigests: Bytes[] = [];
    // The generator is paused while a piece is hashed, so its reused buffer is never written mid-digest.
    for (const piece of pieces(columnStream(col, n), pieceBytes)) pieceDigests.push(await sha256(piece));
    parts.push(await sha256(concat(pieceDigests)));
  }
  return hex(await sha256(concat(parts)));
}

/** S(c) as a sequence of byte runs, produced block by block through one reused staging buffer. */
function* columnStream(col: Column, n: number): Generator<Bytes> {
  yield lengthPrefixed(JSON.stringify({ name: col.name, type: col.type, kind: col.kind, rowCount: n }));
  const block = new Uint8Array(BLOCK_ROWS * 8);
  const view = new DataView(block.buffer);
  const valid = col.valid;
  for (let s = 0; s < n; s += BLOCK_ROWS) {
    const e = Math.min(n, s + BLOCK_ROWS);
    for (let r = s; r < e; r++) block[r - s] = valid[r] ? 1 : 0;
    yield block.subarray(0, e - s);
  }
  if (col.kind === 'numeric') {
    const values = col.values;
    for (let s = 0; s < n; s += BLOCK_ROWS) {
      const e = Math.min(n, s + BLOCK_ROWS);
      for (let r = s; r < e; r++) {
        const o = (r - s) * 8;
        const v = valid[r] ? values[r] : 0;
        if (v !== v) {
          // Written as bits: engines may keep a NaN's payload through setFloat64.
          view.setUint32(o, 0, true);
          view.setUint32(o + 4, 0x7ff80000, true);
        } else view.setFloat64(o, v === 0 ? 0 : v, true);
      }
      yield block.subarray(0, (e - s) * 8);
    }
    return;
  }
  const { remap, values: entries } = firstAppearance(col, n);
  const codes = col.codes;
  for (let s = 0; s < n; s += BLOCK_ROWS) {
    const e = Math.min(n, s + BLOCK_ROWS);
    for (let r = s; r < e; r++) view.setUint32((r - s) * 4, valid[r] ? remap[codes[r]] : 0, true);
    yield block.subarray(0, (e - s) * 4);
  }
  const encoder = new TextEncoder();
  view.setUint32(0, entries.length, true);
  let pos = 4;
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
    const { written } = encoder.encodeInto(entry, block.subarray(pos + 4));
    view.setUint32(pos, written, true);
    pos += 4 + written;
  }
  if (pos > 0) yield block.subarray(0, pos);
}

/** Regroups byte runs into consecutive pieces of `size` bytes (the last shorter, none empty) in one reused buffer. */
function* pieces(runs: Iterable<Bytes>, size: number): Generator<Bytes> {
  let buf = new Uint8Array(Math.min(size, 1 << 20)); // grows to `size` only for large columns
  let pos = 0;
  for (const run of runs) {
    for (let off = 0; off < run.length; ) {
      if (pos === buf.length) {
        const bigger = new Uint8Array(Math.min(size, buf.length * 2));
        bigger.set(buf);
        buf = bigger;
      }
      const k = Math.min(buf.length - pos, run.length - off);
      buf.set(run.subarray(off, off + k), pos);
      pos += k;
      off += k;
      if (pos === size) {
        yield buf;
        pos = 0;
      }
    }
  }
  if (pos > 0) yield buf.subarray(0, pos);
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

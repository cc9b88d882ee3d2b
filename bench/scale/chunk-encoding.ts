/**
 * The chunk file's size and speed on a table shaped like a prepared split of the 5M-row browser bench
 * (bench/scale/browser.ts): `node --import tsx bench/scale/chunk-encoding.ts [--rows N] [--onehot N] [--floats N]`
 * (default 1,000,000 rows × 120 one-hot 0/1 columns + 16 float columns, every row present, as after imputation).
 *
 * Lays the table out as the OPFS store does (toChunks → layoutChunkFile, format 2) and as format 1 did (every part
 * raw: a plain writer here, the format documented in src/lib/store/opfs-chunk-file.ts), puts each file in an
 * in-memory Blob, and reads it back whole with readChunkFile, then column by column (as loadColumn does) with the
 * header read once. Prints bytes and times (best of --repeat). In Node, not Chromium: a Blob read here is a memory
 * copy, where OPFS reads in Chromium ran at ~150 MB/s, so the browser gains more from fewer bytes than these times show.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Table } from '../../src/lib/core/table.ts';
import type { ChunkView } from '../../src/lib/store/chunk-store.ts';
import { layoutChunkFile, PREFIX_BYTES, readChunkFile, readHeader, TORN, type ChunkFileLayout } from '../../src/lib/store/opfs-chunk-file.ts';
import { chunkCount, toChunks } from '../../src/lib/store/tables.ts';

const { values: args } = parseArgs({ options: { rows: { type: 'string' }, onehot: { type: 'string' }, floats: { type: 'string' }, repeat: { type: 'string' } } });
const rows = Number(args.rows ?? 1_000_000);
const onehot = Number(args.onehot ?? 120);
const floats = Number(args.floats ?? 16);
const repeat = Number(args.repeat ?? 3);
const HASH = 'e5'.repeat(32);

/** One-hot groups of 8 levels (one 1 a row per group) and standard-normal floats, seeded. */
function table(): Table {
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const columns: Table['columns'] = [];
  const valid = () => new Uint8Array(rows).fill(1);
  for (let g = 0; g < onehot; g += 8) {
    const group = Array.from({ length: Math.min(8, onehot - g) }, () => new Float64Array(rows));
    for (let r = 0; r < rows; r++) group[Math.floor(rand() * group.length)][r] = 1;
    group.forEach((values, k) => columns.push({ kind: 'numeric', name: `c${g + k}`, type: 'float', values, valid: valid() }));
  }
  for (let f = 0; f < floats; f++) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    columns.push({ kind: 'numeric', name: `f${f}`, type: 'float', values, valid: valid() });
  }
  return { rowCount: rows, columns };
}

/** Format 1 as earlier builds wrote it: entries of eight fields, every part raw (header padded, so no offset fixing). */
function layoutFormat1(chunks: readonly ChunkView[]): ChunkFileLayout {
  const entries: number[][] = [];
  let offset = 0;
  for (const c of chunks) {
    entries.push([c.column, c.index, offset, c.values.byteLength, offset + c.values.byteLength, c.valid.byteLength, -1, 0]);
    offset += c.values.byteLength + c.valid.byteLength;
  }
  const draft = JSON.stringify({ hash: HASH, size: 0, chunks: entries });
  const headerLength = draft.length + 64 + entries.length * 24; // room for the shifted offsets
  const start = PREFIX_BYTES + headerLength;
  const json = JSON.stringify({ hash: HASH, size: start + offset, chunks: entries.map((e) => [e[0], e[1], e[2] + start, e[3], e[4] + start, e[5], -1, 0]) });
  const header = new TextEncoder().encode(json.padEnd(headerLength, ' '));
  if (header.byteLength !== headerLength) throw new Error('header overflow');
  const prefix = new Uint8Array(PREFIX_BYTES);
  prefix.set([0x45, 0x4e, 0x43, 0x4b]);
  new DataView(prefix.buffer).setUint32(4, 1, true);
  new DataView(prefix.buffer).setUint32(8, headerLength, true);
  const parts: ChunkFileLayout['parts'] = [{ at: 0, bytes: prefix }, { at: PREFIX_BYTES, bytes: header }];
  let at = start;
  for (const c of chunks) {
    parts.push({ at, bytes: c.values }, { at: at + c.values.byteLength, bytes: c.valid });
    at += c.values.byteLength + c.valid.byteLength;
  }
  return { size: start + offset, parts };
}

// (The parts are views of plain ArrayBuffers, never shared ones.)
const blobOf = (layout: ChunkFileLayout) => new Blob([...layout.parts].sort((a, b) => a.at - b.at).map((p) => p.bytes as Uint8Array<ArrayBuffer>));

async function best<T>(f: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  let ms = Infinity;
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    result = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, result };
}

async function measure(label: string, layout: () => ChunkFileLayout, columns: number) {
  const laid = await best(layout);
  const file = blobOf(laid.result);
  const whole = await best(() => readChunkFile(file, HASH));
  const header = await best(() => readHeader(file, HASH));
  const h = header.result;
  if (h === TORN || whole.result === TORN) throw new Error('torn');
  const n = chunkCount(rows);
  const byColumn = await best(async () => {
    for (let col = 0; col < columns; col++) await readChunkFile(file, HASH, Array.from({ length: n }, (_, i) => [col, i] as const), h);
  });
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log(`${label.padEnd(9)} ${mb(file.size).padStart(8)} MB   layout ${laid.ms.toFixed(0).padStart(5)} ms   read whole ${whole.ms.toFixed(0).padStart(5)} ms   ` +
    `header ${header.ms.toFixed(1).padStart(5)} ms   read by column ${byColumn.ms.toFixed(0).padStart(5)} ms`);
  return { records: whole.result, bytes: file.size, layoutMs: laid.ms, readMs: whole.ms, headerMs: header.ms, byColumnMs: byColumn.ms };
}

console.log(`chunk file: ${rows.toLocaleString('en')} rows × ${onehot} one-hot + ${floats} float columns, best of ${repeat}; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const t = table();
const chunks = toChunks(HASH, t);
const before = await measure('format 1', () => layoutFormat1(chunks), t.columns.length);
const after = await measure('format 2', () => layoutChunkFile(HASH, chunks), t.columns.length);
// Both files must read back the same bytes.
const key = (c: { column: number; index: number }) => c.column * 1e6 + c.index;
const raw = new Map(before.records.map((c) => [key(c), c]));
for (const c of after.records) {
  const r = raw.get(key(c))!;
  if (Buffer.compare(Buffer.from(c.values), Buffer.from(r.values)) || Buffer.compare(Buffer.from(c.valid), Buffer.from(r.valid))) throw new Error(`chunk ${c.column}/${c.index} differs`);
}
console.log(`bytes ÷ ${(before.bytes / after.bytes).toFixed(1)}; load after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const figures = ({ records: _, ...rest }: typeof before) => rest;
console.log(JSON.stringify({ rows, onehot, floats, before: figures(before), after: figures(after) }));

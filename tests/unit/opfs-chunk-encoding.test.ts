import { describe, expect, it } from 'vitest';
import type { ChunkView } from '../../src/lib/store/chunk-store.ts';
import type { ChunkRecord } from '../../src/lib/store/db.ts';
import { chunkFileName, layoutChunkFile, PREFIX_BYTES, readChunkFile, type ChunkFileLayout } from '../../src/lib/store/opfs-chunk-file.ts';
import { CHUNK_ROWS } from '../../src/lib/store/tables.ts';
import { fails } from './errors.ts';

const H = 'c3'.repeat(32);

/** The bytes of a laid-out file, as a Blob (what OPFS's getFile gives). */
function blobOf(layout: ChunkFileLayout): Blob {
  const bytes = new Uint8Array(layout.size);
  for (const p of layout.parts) bytes.set(p.bytes, p.at);
  return new Blob([bytes]);
}

const f64 = (values: number[]) => new Uint8Array(new Float64Array(values).buffer);

function numeric(column: number, index: number, values: number[] | Uint8Array, valid: number[]): ChunkView {
  return { hash: H, column, index, values: values instanceof Uint8Array ? values : f64(values), valid: new Uint8Array(valid), numeric: true };
}

/** The header of a file as its documentation describes it: header length at bytes 8–11, JSON from byte 12. */
async function headerOf(file: Blob): Promise<{ format: number; length: number; chunks: number[][] }> {
  const prefix = new DataView(await file.slice(0, PREFIX_BYTES).arrayBuffer());
  const length = prefix.getUint32(8, true);
  const json = JSON.parse(await file.slice(PREFIX_BYTES, PREFIX_BYTES + length).text()) as { chunks: number[][] };
  return { format: prefix.getUint32(4, true), length, chunks: json.chunks };
}

const bytes = (b: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(b));
const asRecord = (c: ChunkView) => [c.column, c.index, bytes(c.values), bytes(c.valid), c.dictionary];
const sorted = (cs: ChunkRecord[]) => [...cs].sort((a, b) => a.column - b.column || a.index - b.index);

async function roundTrip(chunks: ChunkView[]): Promise<{ back: ChunkRecord[]; file: Blob }> {
  const file = blobOf(layoutChunkFile(H, chunks));
  const back = await readChunkFile(file, H);
  if (typeof back === 'symbol') throw new Error('torn');
  return { back: sorted(back), file };
}

/**
 * A chunk file written from the format's documentation, independently of layoutChunkFile: the header is padded with
 * spaces to a fixed length (JSON allows it) so offsets need no fixing. `entries` give offsets from the start of `data`.
 */
function referenceFile(format: 1 | 2, entries: number[][], data: Uint8Array, hash = H): Blob {
  const HEADER = 4096;
  const offsets = format === 1 ? [2, 4, 6] : [4, 7, 9];
  const start = PREFIX_BYTES + HEADER;
  const size = start + data.byteLength;
  const chunks = entries.map((e) => e.map((x, k) => (offsets.includes(k) && x >= 0 ? x + start : x)));
  const json = new TextEncoder().encode(JSON.stringify({ hash, size, chunks }).padEnd(HEADER, ' '));
  expect(json.byteLength).toBe(HEADER);
  const out = new Uint8Array(size);
  out.set([0x45, 0x4e, 0x43, 0x4b]);
  new DataView(out.buffer).setUint32(4, format, true);
  new DataView(out.buffer).setUint32(8, HEADER, true);
  out.set(json, PREFIX_BYTES);
  out.set(data, start);
  return new Blob([out]);
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.byteLength));
  return out;
};

describe('chunk file format 2: compact chunks', () => {
  it('stores numeric chunks of only +0 and 1.0 one bit a row, least significant bit first, and no validity bytes when every row is present', async () => {
    const values = [1, 0, 0, 1, 1, 0, 0, 0, 0, 1];
    const { back, file } = await roundTrip([numeric(0, 0, values, values.map(() => 1))]);
    const { format, length, chunks } = await headerOf(file);
    expect(format).toBe(2);
    const dataStart = PREFIX_BYTES + length;
    // [column, index, rows, valuesEncoding (1: bits), valuesAt, valuesLength, validEncoding (1: all present), validAt,
    // validLength, dictionaryAt, dictionaryLength]
    expect(chunks).toEqual([[0, 0, 10, 1, dataStart, 2, 1, dataStart + 2, 0, -1, 0]]);
    // Rows 0, 3, 4 → 0b00011001; row 9 → bit 1 of the second byte.
    expect(bytes(await file.slice(dataStart).arrayBuffer())).toEqual([0x19, 0x02]);
    expect(file.size).toBe(dataStart + 2);
    expect(back.map((c) => [bytes(c.values), bytes(c.valid)])).toEqual([[bytes(f64(values)), Array(10).fill(1)]]);
  });

  it('reads back every chunk bit for bit: 0/1 with some rows absent, -0, NaN, mixed values, text codes with a dictionary, odd and empty chunks', async () => {
    const odd = Array.from({ length: 13 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    // A NaN with a payload: only raw bytes keep it.
    const nan = new Uint8Array(8);
    new DataView(nan.buffer).setUint32(0, 0xdeadbeef, true);
    new DataView(nan.buffer).setUint32(4, 0x7ff80001, true);
    const chunks: ChunkView[] = [
      numeric(0, 0, odd, odd.map((_, i) => (i === 5 ? 0 : 1))), // 0/1, one row absent
      numeric(0, 1, [0, 1, 1], [1, 1, 1]), // the last, short chunk
      numeric(1, 0, [0, -0, 1], [1, 1, 1]),
      numeric(2, 0, concat(f64([1, 0]), nan), [1, 0, 1]),
      numeric(3, 0, [0.5, 1, 0, 2, -3], [1, 1, 0, 1, 1]),
      numeric(4, 0, [], []),
      { hash: H, column: 5, index: 0, values: new Uint8Array(new Int32Array([0, 1, 1, 0, 2]).buffer), valid: new Uint8Array([1, 1, 1, 0, 1]), dictionary: ['a', 'ü', ''] },
      // Float bytes of 0/1 not marked numeric (a caller that does not say) stay raw.
      { hash: H, column: 6, index: 0, values: f64([0, 1]), valid: new Uint8Array([1, 1]) }
    ];
    const { back, file } = await roundTrip(chunks);
    expect(back.map((c) => [c.column, c.index, bytes(c.values), bytes(c.valid), c.dictionary])).toEqual(chunks.map(asRecord));
    expect(Object.is(new Float64Array(back[2].values)[1], -0)).toBe(true);
    const entries = new Map((await headerOf(file)).chunks.map((e) => [`${e[0]}/${e[1]}`, e]));
    // [rows, valuesEncoding, valuesLength, validEncoding, validLength] of each.
    const shape = (key: string) => [2, 3, 5, 6, 8].map((k) => entries.get(key)![k]);
    expect(shape('0/0')).toEqual([13, 1, 2, 0, 13]);
    expect(shape('0/1')).toEqual([3, 1, 1, 1, 0]);
    expect(shape('1/0')).toEqual([3, 0, 24, 1, 0]); // -0 is not +0
    expect(shape('2/0')).toEqual([3, 0, 24, 0, 3]);
    expect(shape('3/0')).toEqual([5, 0, 40, 0, 5]);
    expect(shape('4/0')).toEqual([0, 1, 0, 1, 0]);
    expect(shape('5/0')).toEqual([5, 0, 20, 0, 5]);
    expect(shape('6/0')).toEqual([2, 0, 16, 1, 0]);
  });

  it('reads a chunk whose values are not 4-byte aligned in their buffer (copied, not misread)', async () => {
    const buffer = new Uint8Array(8 * 4 + 1);
    buffer.set(f64([1, 0, 1, 1]), 1);
    const { back, file } = await roundTrip([numeric(0, 0, buffer.subarray(1), [1, 1, 1, 1])]);
    expect(bytes(back[0].values)).toEqual(bytes(f64([1, 0, 1, 1])));
    expect((await headerOf(file)).chunks[0][3]).toBe(1);
  });

  it('a one-hot column of a full and a short chunk takes ⌈rows / 8⌉ bytes a chunk instead of 9 a row', async () => {
    const rows = CHUNK_ROWS + 5;
    const column = Float64Array.from({ length: rows }, (_, i) => (i % 4 === 1 ? 1 : 0));
    const valid = new Uint8Array(rows).fill(1);
    const view = (index: number, start: number, end: number): ChunkView => ({
      hash: H, column: 0, index, numeric: true,
      values: new Uint8Array(column.buffer, start * 8, (end - start) * 8), valid: valid.subarray(start, end)
    });
    const { back, file } = await roundTrip([view(0, 0, CHUNK_ROWS), view(1, CHUNK_ROWS, rows)]);
    const { length } = await headerOf(file);
    expect(file.size - PREFIX_BYTES - length).toBe(CHUNK_ROWS / 8 + 1);
    expect(bytes(back[1].values)).toEqual(bytes(new Uint8Array(column.buffer, CHUNK_ROWS * 8)));
    expect(new Float64Array(back[0].values)).toEqual(column.subarray(0, CHUNK_ROWS));
  });

  it('reads a format-1 file (every part raw, eight fields an entry) as earlier builds wrote it', async () => {
    const values = f64([1, 0, 2.5]);
    const valid = new Uint8Array([1, 0, 1]);
    const codes = new Uint8Array(new Int32Array([1, 0]).buffer);
    const codesValid = new Uint8Array([1, 1]);
    const dict = new TextEncoder().encode('["x","ü"]');
    const data = concat(values, valid, codes, codesValid, dict);
    const file = referenceFile(1, [
      [0, 0, 0, 24, 24, 3, -1, 0],
      [1, 0, 27, 8, 35, 2, 37, dict.byteLength]
    ], data);
    const back = await readChunkFile(file, H);
    expect(sorted(back as ChunkRecord[]).map((c) => [c.column, c.index, bytes(c.values), bytes(c.valid), c.dictionary])).toEqual([
      [0, 0, bytes(values), [1, 0, 1], undefined],
      [1, 0, bytes(codes), [1, 1], ['x', 'ü']]
    ]);
  });

  it('reads a format-2 file written from its documentation, with only the chunks asked for', async () => {
    const data = concat(new Uint8Array([0b101]), f64([7, 8]), new Uint8Array([0, 1]));
    const file = referenceFile(2, [
      [0, 0, 3, 1, 0, 1, 1, 1, 0, -1, 0],
      [1, 0, 2, 0, 1, 16, 0, 17, 2, -1, 0]
    ], data);
    const all = await readChunkFile(file, H);
    expect(sorted(all as ChunkRecord[]).map((c) => [bytes(c.values), bytes(c.valid)])).toEqual([
      [bytes(f64([1, 0, 1])), [1, 1, 1]],
      [bytes(f64([7, 8])), [0, 1]]
    ]);
    const one = await readChunkFile(file, H, [[1, 0]]);
    expect((one as ChunkRecord[]).map((c) => c.column)).toEqual([1]);
  });

  it('a damaged format-2 entry is a storage error naming the file, never data', async () => {
    const name = chunkFileName(H);
    const data = concat(new Uint8Array([0b101, 0]), new Uint8Array(3).fill(1));
    const damage = async (entry: number[], problem: string) => {
      const err = await fails(readChunkFile(referenceFile(2, [entry], data), H));
      expect(err.code).toBe('storage');
      expect(err.message).toContain(name);
      expect(err.message).toContain(problem);
    };
    // Sound: 3 rows packed in 1 byte, validity raw.
    expect(await readChunkFile(referenceFile(2, [[0, 0, 3, 1, 0, 1, 0, 2, 3, -1, 0]], data), H)).toHaveLength(1);
    await damage([0, 0, 3, 1, 0, 2, 0, 2, 3, -1, 0], '2 packed bytes for 3 rows');
    await damage([0, 0, 9, 1, 0, 1, 1, 1, 0, -1, 0], '1 packed bytes for 9 rows');
    await damage([0, 0, 3, 7, 0, 1, 0, 2, 3, -1, 0], 'unknown values encoding 7');
    await damage([0, 0, 3, 1, 0, 1, 5, 2, 3, -1, 0], 'unknown validity encoding 5');
    await damage([0, 0, 3, 1, 0, 1, 0, 2, 2, -1, 0], '2 validity bytes for 3 rows');
    await damage([0, 0, 3, 1, 0, 1, 1, 2, 3, -1, 0], '3 validity bytes for 3 rows'); // all present stores nothing
    await damage([0, 0, 3, 1, 0, 1, 0, 2, 3, -1], 'chunk entry 0 is malformed'); // ten fields
    await damage([0, 0, 3, 1, 0, 1, 0, 2, 4, -1, 0], 'lies outside the file');
    // Row 3 of a 2-row chunk set: a writer never sets it.
    await damage([0, 0, 2, 1, 0, 1, 0, 2, 2, -1, 0], 'bits set past its last row');
  });
});

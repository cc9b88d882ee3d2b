import { describe, expect, it } from 'vitest';
import type { NumericColumn, Table } from '../../src/lib/core/table.ts';
import { indicatorBits, indicatorColumn, madeValues } from '../../src/lib/core/indicator-column.ts';
import { loadDataset } from '../../src/lib/jobs/load-dataset.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { autoChunks, CHUNK_STORE_SETTING, folderIn } from '../../src/lib/store/chunk-backing.ts';
import { indexedDbChunks, setChunkStore, type ChunkView } from '../../src/lib/store/chunk-store.ts';
import type { ChunkRecord, EnclaveDB } from '../../src/lib/store/db.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';
import { loadColumn, loadColumns, loadRows, loadTable } from '../../src/lib/store/load-table.ts';
import { chunkFileName, PREFIX_BYTES } from '../../src/lib/store/opfs-chunk-file.ts';
import { opfsChunks, type OpfsChunkOptions } from '../../src/lib/store/opfs-chunks.ts';
import { putSetting } from '../../src/lib/store/settings.ts';
import { CHUNK_ROWS, saveImport, toChunks } from '../../src/lib/store/tables.ts';
import { fails } from './errors.ts';
import { FakeDirectory, type FakeOptions } from './fake-opfs.ts';
import { freshDatabases } from './fresh-db.ts';

const freshDb = freshDatabases('opfs-chunks');

/** A clock the test moves by hand (file times and the store's "now"). */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function setup(fake: FakeOptions = {}, options: OpfsChunkOptions = {}) {
  const c = clock();
  const d = freshDb();
  const dir = new FakeDirectory({ now: c.now, ...fake });
  const store = opfsChunks(d, dir, { now: c.now, ...options });
  setChunkStore(d, store);
  return { d, dir, store, clock: c };
}

const H1 = 'a1'.repeat(32);
const H2 = 'b2'.repeat(32);

/** Two columns (numbers with a missing value, text with a dictionary) over `rows` rows. */
function table(rows: number): Table {
  return {
    rowCount: rows,
    columns: [
      { kind: 'numeric', name: 'x', type: 'float', values: Float64Array.from({ length: rows }, (_, i) => i * 0.25 - 3), valid: Uint8Array.from({ length: rows }, (_, i) => (i % 7 === 3 ? 0 : 1)) },
      { kind: 'string', name: 'kind', type: 'categorical', codes: Int32Array.from({ length: rows }, (_, i) => i % 3), dictionary: ['ä', 'b "q"', ''], valid: new Uint8Array(rows).fill(1) }
    ]
  };
}

async function save(d: EnclaveDB, hash: string, t: Table) {
  return saveImport(d, { datasetName: 'd', source: { fileName: 'd.csv', size: 1, lastModified: 0, format: 'csv' }, table: t, hash, profile: {} as never, warnings: [] });
}

const bytes = (b: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(b));

function chunk(hash: string, column: number, index: number, values: number[], valid: number[], dictionary?: string[]): ChunkView {
  const c: ChunkView = { hash, column, index, values: new Uint8Array(new Float64Array(values).buffer), valid: new Uint8Array(valid) };
  if (dictionary) c.dictionary = dictionary;
  return c;
}

/** The bytes with the first occurrence of `from` (UTF-8) overwritten by `to` of the same length. */
function overwrite(b: Uint8Array, from: string, to: string): Uint8Array {
  const [f, t] = [new TextEncoder().encode(from), new TextEncoder().encode(to)];
  expect(t.byteLength).toBe(f.byteLength);
  const at = b.findIndex((_, i) => f.every((x, k) => b[i + k] === x));
  expect(at).toBeGreaterThanOrEqual(0);
  b.set(t, at);
  return b;
}

const sorted = <C extends ChunkRecord | ChunkView>(cs: C[]) => [...cs].sort((a, b) => a.column - b.column || a.index - b.index);

describe('chunks stored as OPFS files', () => {
  it('reads back exactly the chunks staged, dictionaries and empty buffers included, one file per version', async () => {
    const { dir, store } = setup();
    const staged = [
      chunk(H1, 0, 0, [1.5, -2, Number.NaN], [1, 0, 1]),
      chunk(H1, 1, 0, [], [], ['x', 'ü', '"', '']),
      chunk(H1, 0, 1, [], []),
      chunk(H2, 0, 0, [42], [1], [])
    ];
    await store.stage(staged);
    expect([...dir.files.keys()].sort()).toEqual([chunkFileName(H1), chunkFileName(H2)].sort());
    const back = sorted(await store.read(H1));
    const want = sorted(staged.filter((c) => c.hash === H1));
    expect(back.map((c) => [c.hash, c.column, c.index, bytes(c.values), bytes(c.valid), c.dictionary])).toEqual(want.map((c) => [c.hash, c.column, c.index, bytes(c.values), bytes(c.valid), c.dictionary]));
    expect(new Float64Array(back[0].values)[2]).toBeNaN();
    expect((await store.read(H2))[0].dictionary).toEqual([]);
  });

  it('import and load go through the files, nothing lands in IndexedDB chunk records', async () => {
    const { d, dir } = setup();
    const t = table(CHUNK_ROWS + 10);
    await save(d, H1, t);
    expect(await d.chunks.count()).toBe(0);
    expect(dir.files.has(chunkFileName(H1))).toBe(true);
    const back = await loadTable(d, H1);
    expect(back.rowCount).toBe(CHUNK_ROWS + 10);
    const [x, kind] = back.columns;
    expect(x.kind === 'numeric' && [x.values[CHUNK_ROWS + 9], x.valid[3], x.valid[4]]).toEqual([(CHUNK_ROWS + 9) * 0.25 - 3, 0, 1]);
    expect(kind.kind === 'string' && [kind.dictionary, kind.codes[CHUNK_ROWS + 2]]).toEqual([['ä', 'b "q"', ''], (CHUNK_ROWS + 2) % 3]);
  });

  it('a save hands the store views into the table\'s own columns, not copies (IndexedDB copies them into records itself)', async () => {
    const d = freshDb();
    const t = table(CHUNK_ROWS + 3);
    const seen: ChunkView[] = [];
    setChunkStore(d, { ...indexedDbChunks(d), stage: async (chunks) => void seen.push(...chunks) });
    await save(d, H1, t);
    const x = t.columns[0];
    const second = seen.find((c) => c.column === 0 && c.index === 1)!;
    expect(x.kind === 'numeric' && second.values.buffer).toBe(x.kind === 'numeric' && x.values.buffer);
    expect([second.values.byteOffset, second.values.byteLength]).toEqual([CHUNK_ROWS * 8, 3 * 8]);
    // The records IndexedDB keeps hold exactly their chunk's bytes.
    const rec = await d.chunks.get([H1, 0, 1]);
    expect([rec?.values.byteLength, rec?.valid.byteLength]).toEqual([3 * 8, 3]);
  });

  it('with keys, reads only those chunks (a preview window in the second chunk)', async () => {
    const { d, store } = setup();
    await save(d, H1, table(2 * CHUNK_ROWS + 5));
    const some = await store.read(H1, [[0, 2], [1, 0]]);
    expect(some.map((c) => [c.column, c.index]).sort()).toEqual([[0, 2], [1, 0]]);
    const { table: rows, rowCount } = await loadRows(d, H1, CHUNK_ROWS + 1, 3);
    expect(rowCount).toBe(2 * CHUNK_ROWS + 5);
    const kind = rows.columns[1];
    expect(kind.kind === 'string' && Array.from(kind.codes)).toEqual([(CHUNK_ROWS + 1) % 3, (CHUNK_ROWS + 2) % 3, (CHUNK_ROWS + 3) % 3]);
  });

  it('deleting a dataset removes its file after the commit', async () => {
    const { d, dir, clock: c } = setup();
    const saved = await save(d, H1, table(10));
    c.advance(10_000);
    expect(await deleteDataset(d, saved.datasetId)).toBe(true);
    expect(dir.files.size).toBe(0);
    await expect(loadTable(d, H1)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a file held open elsewhere does not fail the delete; the sweep removes it later', async () => {
    const { d, dir, store, clock: c } = setup({}, { graceMs: 60_000 });
    const saved = await save(d, H1, table(10));
    c.advance(10_000);
    dir.locked.add(chunkFileName(H1));
    expect(await deleteDataset(d, saved.datasetId)).toBe(true);
    expect(dir.files.has(chunkFileName(H1))).toBe(true);
    dir.locked.clear();
    c.advance(60_000);
    expect(await store.sweep()).toBe(1);
    expect(dir.files.size).toBe(0);
  });

  it('purge keeps the file of a version saved again meanwhile, and one written just before it began', async () => {
    const { d, dir, store, clock: c } = setup();
    await save(d, H1, table(10));
    c.advance(10_000);
    // The version record exists again (another worker's save committed): its file stays.
    await store.purge([H1]);
    expect(dir.files.has(chunkFileName(H1))).toBe(true);
    // No record, but the file was staged a moment ago (that save may be about to commit): it stays too.
    await d.versions.delete(H1);
    await store.stage([chunk(H1, 0, 0, [1], [1])]);
    await store.purge([H1]);
    expect(dir.files.has(chunkFileName(H1))).toBe(true);
    c.advance(10_000);
    await store.purge([H1]);
    expect(dir.files.size).toBe(0);
  });

  it('a write cut short leaves no file under the version name, and the stage fails', async () => {
    const { d, dir } = setup();
    dir.failWritesAfter = 2;
    await expect(save(d, H1, table(10))).rejects.toMatchObject({ code: 'storage' });
    expect([...dir.files.keys()]).toEqual([]);
    expect(await d.versions.get(H1)).toBeUndefined();
  });

  it('a write the quota cuts short says there is no room, and leaves no file', async () => {
    const { d, dir } = setup();
    dir.quotaBytes = 100;
    await expect(save(d, H1, table(100))).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('no room left') });
    expect([...dir.files.keys()]).toEqual([]);
  });

  it('a torn file (written in place where files cannot move) reads as missing, so loadTable reports the missing chunks', async () => {
    const { d, dir, store } = setup({ movable: false });
    await save(d, H1, table(10));
    expect([...dir.files.keys()]).toEqual([chunkFileName(H1)]);
    const f = dir.files.get(chunkFileName(H1))!;
    // The prefix is the last write: without it the file was never completed.
    f.bytes.fill(0, 0, PREFIX_BYTES);
    expect(await store.read(H1)).toEqual([]);
    // Cut short after a complete prefix: shorter than its header says.
    await save(d, H2, table(10));
    const g = dir.files.get(chunkFileName(H2))!;
    g.bytes = g.bytes.slice(0, g.bytes.byteLength - 3);
    expect(await store.read(H2)).toEqual([]);
    await expect(loadTable(d, H2)).rejects.toMatchObject({ code: 'storage', message: expect.stringContaining('missing chunk 0') });
  });

  it('a damaged file is a storage error naming the file, never data', async () => {
    const { d, dir } = setup();
    await save(d, H1, table(10));
    const f = dir.files.get(chunkFileName(H1))!;
    const original = f.bytes.slice();
    const damage = async (edit: (b: Uint8Array) => Uint8Array, problem: string) => {
      f.bytes = edit(original.slice());
      const err = await fails(loadTable(d, H1));
      expect(err.code).toBe('storage');
      expect(err.message).toContain(chunkFileName(H1));
      expect(err.message).toContain(problem);
    };
    await damage((b) => ((b[0] = 0x58), b), 'not a chunk file');
    await damage((b) => ((b[4] = 9), b), 'unknown format 9');
    await damage((b) => ((b[PREFIX_BYTES] = 0x7b + 1), b), 'unreadable header');
    // One byte more than the header says.
    await damage((b) => Uint8Array.from([...b, 0]), 'bytes where the header says');
    // The header of another version.
    await damage((b) => overwrite(b, H1, H2), 'header names another version');
    // A dictionary that is not an array of strings (same length, so every offset still holds).
    await damage((b) => overwrite(b, '["ä","b', '[1,   "b'), 'unreadable dictionary');
  });

  it('reads versions older builds saved in IndexedDB, and deletes them from there', async () => {
    const { d, dir, clock: c } = setup();
    // An older build: chunks in IndexedDB's table.
    setChunkStore(d, indexedDbChunks(d));
    const saved = await save(d, H1, table(10));
    expect(await d.chunks.count()).toBe(2);
    setChunkStore(d, opfsChunks(d, dir, { now: c.now }));
    const back = await loadTable(d, H1);
    const x = back.columns[0];
    expect(x.kind === 'numeric' && x.values[9]).toBe(9 * 0.25 - 3);
    expect(dir.files.size).toBe(0); // nothing migrated
    await deleteDataset(d, saved.datasetId);
    expect(await d.chunks.count()).toBe(0);
  });

  it('sweeps files no version names once they are older than the grace period, and abandoned temporary files', async () => {
    const { d, dir, store, clock: c } = setup({}, { graceMs: 60_000 });
    await save(d, H1, table(5)); // named by a version: kept
    await store.stage([chunk(H2, 0, 0, [1], [1])]); // a crash before the commit: an orphan
    dir.files.set(`${H2}.0000.tmp`, { bytes: new Uint8Array(3), lastModified: c.now() });
    dir.files.set('unrelated.txt', { bytes: new Uint8Array(1), lastModified: 0 });
    expect(await store.sweep()).toBe(0); // too young: a stage in another worker may be about to commit
    c.advance(61_000);
    expect(await store.sweep()).toBe(2);
    expect([...dir.files.keys()].sort()).toEqual([chunkFileName(H1), 'unrelated.txt'].sort());
  });

  it('a saved table\'s one-hot columns take a bit a row and their all-present masks nothing, and load back equal', async () => {
    const { d, dir } = setup();
    const rows = CHUNK_ROWS + 3;
    const t: Table = {
      rowCount: rows,
      columns: [{ kind: 'numeric', name: 'is_a', type: 'float', values: Float64Array.from({ length: rows }, (_, i) => (i % 5 === 2 ? 1 : 0)), valid: new Uint8Array(rows).fill(1) }]
    };
    await save(d, H1, t);
    const f = dir.files.get(chunkFileName(H1))!;
    const headerLength = new DataView(f.bytes.buffer, f.bytes.byteOffset).getUint32(8, true);
    // Two chunks: CHUNK_ROWS / 8 bytes and 1 byte (3 rows), no validity bytes (9 bytes a row before).
    expect(f.bytes.byteLength - PREFIX_BYTES - headerLength).toBe(CHUNK_ROWS / 8 + 1);
    const x = (await loadTable(d, H1)).columns[0];
    expect(x.kind === 'numeric' && [x.values, x.valid]).toEqual([t.columns[0].kind === 'numeric' && t.columns[0].values, t.columns[0].valid]);
  });

  it('an indicator column (bits) is stored from its bits, its doubles never made, and loads back as the same numbers — in files and in IndexedDB', async () => {
    const rows = CHUNK_ROWS + 13;
    const v = Array.from({ length: rows }, (_, i) => (i % 7 === 2 || i === rows - 1 ? 1 : 0));
    const packed = new Uint8Array(Math.ceil(rows / 8));
    v.forEach((x, r) => x && (packed[r >> 3] |= 1 << (r & 7)));
    const ones = new Uint8Array(rows).fill(1);
    const make = (): Table => ({ rowCount: rows, columns: [indicatorColumn('c=a', packed, ones, rows)] });
    const { d, dir } = setup();
    const t = make();
    await save(d, H1, t);
    expect(madeValues(t.columns[0])).toHaveLength(1); // the bits only
    const f = dir.files.get(chunkFileName(H1))!;
    const headerLength = new DataView(f.bytes.buffer, f.bytes.byteOffset).getUint32(8, true);
    expect(f.bytes.byteLength - PREFIX_BYTES - headerLength).toBe(CHUNK_ROWS / 8 + 2);
    const back = (await loadTable(d, H1)).columns[0];
    expect(back.kind === 'numeric' && Array.from(back.values)).toEqual(v);
    // IndexedDB (no file store): the doubles are made for its records, chunk by chunk.
    const idb = freshDb();
    await save(idb, H2, make());
    const fromIdb = (await loadTable(idb, H2)).columns[0];
    expect(fromIdb.kind === 'numeric' && Array.from(fromIdb.values)).toEqual(v);
  });

  it('a stored 0/1 column is read column-wise as bits (its doubles not made) and into a matrix as the same numbers; a window of rows and a mixed column as doubles', async () => {
    const rows = 2 * CHUNK_ROWS + 5;
    const zeroOne = Array.from({ length: rows }, (_, i) => (i % 3 === 1 ? 1 : 0));
    // "mixed": 0/1 in its first chunk only (stored as bits there, raw after).
    const mixed = Array.from({ length: rows }, (_, i) => (i < CHUNK_ROWS ? i % 2 : 2.5));
    const label = Array.from({ length: rows }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const ones = new Uint8Array(rows).fill(1);
    const t: Table = {
      rowCount: rows,
      columns: [
        { kind: 'numeric', name: 'a', type: 'float', values: Float64Array.from(zeroOne), valid: ones },
        { kind: 'numeric', name: 'mixed', type: 'float', values: Float64Array.from(mixed), valid: ones },
        { kind: 'string', name: 'y', type: 'categorical', codes: Int32Array.from(label), dictionary: ['no', 'yes'], valid: ones },
      ],
    };
    const { d } = setup();
    await save(d, H1, t);
    const a = (await loadColumn(d, H1, 'a'))!;
    expect(indicatorBits(a)).toBeDefined();
    expect(madeValues(a)).toHaveLength(1);
    expect(a.type).toBe('float');
    expect(a.kind === 'numeric' && Array.from(a.values)).toEqual(zeroOne);
    const m = (await loadColumn(d, H1, 'mixed'))!;
    expect(indicatorBits(m)).toBeUndefined();
    expect(m.kind === 'numeric' && Array.from(m.values)).toEqual(mixed);
    const window = (await loadRows(d, H1, CHUNK_ROWS - 3, 10)).table.columns[0];
    expect(indicatorBits(window)).toBeUndefined();
    expect(window.kind === 'numeric' && Array.from(window.values)).toEqual(zeroOne.slice(CHUNK_ROWS - 3, CHUNK_ROWS + 7));
    const data = await loadDataset(d, H1, 'y');
    const expected = toDataset(t, 'y');
    expect(data.shape).toEqual(expected.shape);
    expect(Array.from(data.X)).toEqual(Array.from(expected.X));
    expect(Array.from(data.y)).toEqual(Array.from(expected.y));
    const onlyBits = await loadDataset(d, H1, 'y', { ...expected.shape, features: ['a'] });
    expect(Array.from(onlyBits.X)).toEqual(zeroOne);
  });

  it('0/1 columns read together share one all-present mask; one with a missing cell keeps its own, and reads as doubles', async () => {
    const rows = 2 * CHUNK_ROWS + 5;
    const a = Array.from({ length: rows }, (_, i) => (i % 3 === 1 ? 1 : 0));
    const b = Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const ones = new Uint8Array(rows).fill(1);
    const gap = ones.slice();
    gap[CHUNK_ROWS + 2] = 0; // in the second chunk
    const t: Table = {
      rowCount: rows,
      columns: [
        { kind: 'numeric', name: 'a', type: 'integer', values: Float64Array.from(a), valid: ones },
        { kind: 'numeric', name: 'b', type: 'integer', values: Float64Array.from(b), valid: ones },
        { kind: 'numeric', name: 'gap', type: 'integer', values: Float64Array.from(b), valid: gap },
      ],
    };
    const { d } = setup();
    await save(d, H1, t);
    const [ca, cb, cg] = (await loadColumns(d, H1, ['a', 'b', 'gap'])) as NumericColumn[];
    expect(indicatorBits(ca) && indicatorBits(cb)).toBeDefined();
    expect(ca.valid).toBe(cb.valid);
    expect(Array.from(ca.valid)).toEqual(Array.from(ones));
    expect(Array.from(ca.values)).toEqual(a);
    expect(Array.from(cb.values)).toEqual(b);
    expect(indicatorBits(cg)).toBeUndefined();
    expect(cg.valid).not.toBe(ca.valid);
    expect(Array.from(cg.valid)).toEqual(Array.from(gap));
    expect(Array.from(cg.values).filter((_, i) => gap[i])).toEqual(b.filter((_, i) => gap[i]));
  });

  it('reading a version column by column reads its header once while the file is unchanged, and again once it is rewritten', async () => {
    const { d, dir, clock: c } = setup();
    await save(d, H1, table(CHUNK_ROWS + 10));
    const headerReads = () => dir.reads.filter(([name, start]) => name === chunkFileName(H1) && start === 0).length;
    const x = await loadColumn(d, H1, 'x');
    const kind = await loadColumn(d, H1, 'kind');
    await loadColumn(d, H1, 'x');
    expect(headerReads()).toBe(1);
    expect(x?.kind === 'numeric' && x.values[CHUNK_ROWS + 9]).toBe((CHUNK_ROWS + 9) * 0.25 - 3);
    expect(kind?.kind === 'string' && kind.dictionary).toEqual(['ä', 'b "q"', '']);
    // Another context writes the file again (here with other values, to see which header is used): read afresh.
    c.advance(1_000);
    const other = table(CHUNK_ROWS + 10);
    if (other.columns[0].kind === 'numeric') other.columns[0].values.fill(7);
    await opfsChunks(d, dir, { now: c.now }).stage(toChunks(H1, other));
    const again = await loadColumn(d, H1, 'x');
    expect(headerReads()).toBe(2);
    expect(again?.kind === 'numeric' && again.values[CHUNK_ROWS + 9]).toBe(7);
  });

  it('writes through a writable stream where no synchronous handle exists (the page)', async () => {
    const { d, dir } = setup({ sync: false });
    await save(d, H1, table(3));
    expect(dir.files.has(chunkFileName(H1))).toBe(true);
    expect((await loadTable(d, H1)).rowCount).toBe(3);
  });
});

describe('choosing the chunk store', () => {
  it('finds the app\'s OPFS folder only where navigator.storage.getDirectory exists and answers', async () => {
    expect(await folderIn(undefined)).toBeUndefined(); // Node
    expect(await folderIn({})).toBeUndefined(); // a browser without OPFS
    const refusing = { getDirectory: () => Promise.reject(new DOMException('private window', 'SecurityError')) };
    expect(await folderIn(refusing)).toBeUndefined(); // Firefox's private windows
    const root = new FakeDirectory();
    const storage = { root, getDirectory(this: { root: FakeDirectory }) { return Promise.resolve(this.root); } };
    expect(await folderIn(storage)).toBe(root.dirs.get('enclave-chunks'));
  });

  it('is IndexedDB where there is no OPFS (Node, old browsers)', async () => {
    const d = freshDb();
    setChunkStore(d, autoChunks(d, async () => undefined));
    await save(d, H1, table(4));
    expect(await d.chunks.count()).toBe(2);
    expect((await loadTable(d, H1)).rowCount).toBe(4);
  });

  it('is OPFS files where OPFS works, in a folder per database', async () => {
    const d = freshDb();
    const root = new FakeDirectory();
    setChunkStore(d, autoChunks(d, async () => root));
    await save(d, H1, table(4));
    expect(await d.chunks.count()).toBe(0);
    expect(root.dirs.get(encodeURIComponent(d.name))?.files.has(chunkFileName(H1))).toBe(true);
    expect((await loadTable(d, H1)).rowCount).toBe(4);
  });

  it('is IndexedDB for new versions where this context cannot write files, and still reads the files there', async () => {
    const d = freshDb();
    const abilities: FakeOptions = {};
    const root = new FakeDirectory(abilities);
    setChunkStore(d, autoChunks(d, async () => root));
    await save(d, H1, table(4)); // a worker that can write files
    const folder = root.dirs.get(encodeURIComponent(d.name))!;
    // The same folder from a context that can neither open a synchronous handle nor a writable stream.
    Object.assign(abilities, { sync: false, writable: false });
    setChunkStore(d, autoChunks(d, async () => root));
    await save(d, H2, table(6));
    expect(await d.chunks.count()).toBe(2);
    expect([...folder.files.keys()]).toEqual([chunkFileName(H1)]); // no probe left behind, no file for H2
    expect((await loadTable(d, H1)).rowCount).toBe(4);
  });

  it(`sends new versions to IndexedDB when the '${CHUNK_STORE_SETTING}' setting says so, and still reads files`, async () => {
    const d = freshDb();
    const root = new FakeDirectory();
    setChunkStore(d, autoChunks(d, async () => root));
    await save(d, H1, table(4)); // a file
    const d2 = d; // the same database opened in a fresh context after the setting was made
    await putSetting(d2, CHUNK_STORE_SETTING, 'indexeddb');
    setChunkStore(d2, autoChunks(d2, async () => root));
    await save(d2, H2, table(6));
    expect(await d2.chunks.count()).toBe(2);
    expect(root.dirs.get(encodeURIComponent(d.name))?.files.has(chunkFileName(H2))).toBe(false);
    expect((await loadTable(d2, H1)).rowCount).toBe(4);
    expect((await loadTable(d2, H2)).rowCount).toBe(6);
  });
});

describe('chunk files of columns in shared memory (an import reads its columns into SharedArrayBuffers)', () => {
  const sharedChunk = (): ChunkView => {
    const values = new Float64Array(new SharedArrayBuffer(8 * 5));
    values.set([1.5, 2, -3, 0.25, 4]);
    const valid = new Uint8Array(new SharedArrayBuffer(5));
    valid.set([1, 1, 0, 1, 1]);
    return { hash: H1, column: 0, index: 0, values: new Uint8Array(values.buffer), valid, numeric: true } as ChunkView;
  };
  /** The bytes each write was given, refusing views of shared memory as a browser may (TypeError). */
  function recorder(refuseShared: boolean) {
    const bytes = new Uint8Array(1 << 12);
    let size = 0;
    const write = (b: Uint8Array, at: number) => {
      if (refuseShared && b.buffer instanceof SharedArrayBuffer) throw new TypeError('shared memory is not accepted');
      bytes.set(b, at);
      size = Math.max(size, at + b.byteLength);
      return b.byteLength;
    };
    return { file: () => new Blob([bytes.slice(0, size)]), write };
  }

  it('writes the same file through a synchronous handle that takes shared views, one that refuses them, and a stream', async () => {
    const { layoutChunkFile, writeSync, writeStream, readChunkFile } = await import('../../src/lib/store/opfs-chunk-file.ts');
    const files: Blob[] = [];
    for (const refuse of [false, true]) {
      const r = recorder(refuse);
      writeSync({ write: (b, o) => r.write(b, o.at), truncate: () => undefined, flush: () => undefined, close: () => undefined }, 'x', layoutChunkFile(H1, [sharedChunk()]));
      files.push(r.file());
    }
    const s = recorder(true);
    await writeStream({ write: async (d) => void s.write(d.data, d.position), close: async () => undefined }, layoutChunkFile(H1, [sharedChunk()]));
    files.push(s.file());
    for (const f of files) {
      const [rec] = (await readChunkFile(f, H1)) as ChunkRecord[];
      expect(Array.from(new Float64Array(rec.values))).toEqual([1.5, 2, -3, 0.25, 4]);
      expect(Array.from(new Uint8Array(rec.valid))).toEqual([1, 1, 0, 1, 1]);
    }
  });
});

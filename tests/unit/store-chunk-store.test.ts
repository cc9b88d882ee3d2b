import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { chunkStore, recordOf, setChunkStore, type ChunkStore } from '../../src/lib/store/chunk-store.ts';
import { createDb, type ChunkRecord, type EnclaveDB } from '../../src/lib/store/db.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';
import { saveImport } from '../../src/lib/store/tables.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';

let open: EnclaveDB[] = [];
function freshDb(): EnclaveDB {
  const d = createDb(`chunk-store-${crypto.randomUUID()}`);
  open.push(d);
  return d;
}
afterEach(async () => {
  for (const d of open) await d.delete();
  open = [];
});

/** A chunk store outside IndexedDB, as an OPFS one would be: files written before the transaction, purged after it. */
function memoryStore() {
  const files = new Map<string, ChunkRecord[]>();
  const calls: string[] = [];
  const store: ChunkStore = {
    tables: [],
    stage: async (chunks) => {
      calls.push('stage');
      for (const c of chunks) files.set(c.hash, [...(files.get(c.hash) ?? []).filter((x) => x.column !== c.column || x.index !== c.index), recordOf(c)]);
    },
    put: async () => void calls.push('put'),
    read: async (hash) => (calls.push('read'), [...(files.get(hash) ?? [])]),
    remove: async () => void calls.push('remove'),
    purge: async (hashes) => {
      calls.push('purge');
      for (const h of hashes) files.delete(h);
    }
  };
  return { store, files, calls };
}

async function importCsv(database: EnclaveDB, name: string, text: string) {
  const blob = new Blob([text]);
  return importFile({ file: { name, size: blob.size, stream: () => blob.stream() } }, { database });
}

const csv = ['x,y,z', ...Array.from({ length: 40 }, (_, i) => `${i * 0.5},${i % 2 ? 'yes' : 'no'},${100 - i}`)].join('\n');

function tiny(): Table {
  return { rowCount: 2, columns: [{ kind: 'numeric', name: 'x', type: 'float', values: new Float64Array([1.5, -2]), valid: new Uint8Array([1, 1]) }] };
}

describe('the chunk store behind the repositories', () => {
  it('is IndexedDB by default: import writes chunk records in the same transaction as the version', async () => {
    const d = freshDb();
    expect(chunkStore(d).tables).toEqual([d.chunks]);
    await saveImport(d, { datasetName: 't', source: { fileName: 't.csv', size: 1, lastModified: 0, format: 'csv' }, table: tiny(), hash: 'aa'.repeat(32), profile: {} as never, warnings: [] });
    expect(await d.chunks.count()).toBe(1);
  });

  it('can be replaced without touching a caller: import, prepare, load and delete go through the replacement', async () => {
    const d = freshDb();
    const mem = memoryStore();
    setChunkStore(d, mem.store);
    const imported = await importCsv(d, 'data.csv', csv);
    const prepared = await prepare({ source: imported.hash, recipe: { target: 'y', steps: [] }, split: { seed: 42, fractions: [0.6, 0.2, 0.2] } }, { database: d });
    if (prepared.status !== 'saved') throw new Error('expected the preparation to be saved');
    // Nothing went to IndexedDB's chunk table; the source and its three splits are in the replacement.
    expect(await d.chunks.count()).toBe(0);
    const { splits } = prepared.preparation;
    expect(new Set(mem.files.keys())).toEqual(new Set([imported.hash, splits.train, splits.validation, splits.test]));
    // Every write staged its chunks before the transaction that put them: the import's, then each prepared split's
    // as it was made (train, validation, test), then the preparation's transaction.
    expect(mem.calls.filter((c) => c !== 'read').slice(0, 8)).toEqual(['stage', 'put', 'stage', 'stage', 'stage', 'put', 'put', 'put']);

    const source = await loadTable(d, imported.hash);
    expect(source.rowCount).toBe(40);
    const x = source.columns[0];
    expect(x.kind === 'numeric' && Array.from(x.values.subarray(0, 3))).toEqual([0, 0.5, 1]);
    const train = await loadTable(d, splits.train);
    expect(train.rowCount).toBe(prepared.preparation.sizes.train);

    expect(await deleteDataset(d, imported.datasetId)).toBe(true);
    // Removed in the transaction, purged after it committed.
    expect(mem.calls.slice(-2)).toEqual(['remove', 'purge']);
    expect(mem.files.size).toBe(0);
  });

  it('a store that holds chunks once staged (files) is not handed them again in the transaction, and the preparation reads back', async () => {
    const d = freshDb();
    const mem = memoryStore();
    const put: number[] = [];
    setChunkStore(d, { ...mem.store, stage: async (chunks) => (await mem.store.stage(chunks), true), put: async (chunks) => void put.push(chunks.length) });
    const imported = await importCsv(d, 'data.csv', csv);
    put.length = 0; // the import's own transaction hands them over still
    const prepared = await prepare({ source: imported.hash, recipe: { target: 'y', steps: [] }, split: { seed: 42, fractions: [0.6, 0.2, 0.2] } }, { database: d });
    if (prepared.status !== 'saved') throw new Error('expected the preparation to be saved');
    expect(put).toEqual([]);
    const { splits, sizes } = prepared.preparation;
    for (const name of ['train', 'validation', 'test'] as const) {
      const t = await loadTable(d, splits[name]);
      expect(t.rowCount).toBe(sizes[name]);
      // Released in the job after staging, yet stored whole: x holds 0, 0.5, … 19.5 in some order.
      const x = t.columns[0];
      expect(x.kind === 'numeric' && Array.from(x.values).every((v) => v >= 0 && v <= 19.5 && v * 2 === Math.round(v * 2))).toBe(true);
    }
  });

  it('a load that finds chunks gone because the version was deleted meanwhile says "not found", not "damaged"', async () => {
    const d = freshDb();
    const hash = 'bb'.repeat(32);
    await saveImport(d, { datasetName: 't', source: { fileName: 't.csv', size: 1, lastModified: 0, format: 'csv' }, table: tiny(), hash, profile: {} as never, warnings: [] });
    const idb = chunkStore(d);
    // The delete commits between the version read and the chunk read.
    setChunkStore(d, { ...idb, read: async (h) => { await d.versions.delete(h); await d.chunks.where('hash').equals(h).delete(); return idb.read(h); } });
    await expect(loadTable(d, hash)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('still reports missing chunks of a version that exists as damaged', async () => {
    const d = freshDb();
    const hash = 'cc'.repeat(32);
    await saveImport(d, { datasetName: 't', source: { fileName: 't.csv', size: 1, lastModified: 0, format: 'csv' }, table: tiny(), hash, profile: {} as never, warnings: [] });
    await d.chunks.where('hash').equals(hash).delete();
    await expect(loadTable(d, hash)).rejects.toMatchObject({ code: 'storage', message: expect.stringContaining('missing chunk 0') });
  });
});

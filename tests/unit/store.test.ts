import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { createDb, db as defaultDb, EnclaveDB, type ModelRecord, type RunRecord } from '../../src/lib/store/db.ts';
import { datasetFootprint, deleteDataset } from '../../src/lib/store/delete.ts';
import { CHUNK_ROWS, getVersion, listDatasets, requestPersistence, saveImport, storageInfo } from '../../src/lib/store/tables.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';

const HASH = 'ab'.repeat(32);
const HASH2 = 'cd'.repeat(32);
const source = { fileName: 'data.csv', size: 1234, lastModified: 1_700_000_000_000, format: 'csv' };

let open: EnclaveDB[] = [];
let seq = 0;
function freshDb(): EnclaveDB {
  const d = createDb(`enclave-test-${Date.now()}-${seq++}`);
  open.push(d);
  return d;
}

afterEach(async () => {
  for (const d of open) await d.delete();
  open = [];
});

/** Five kinds of column, `rows` long; the float column has a missing value every 7th row. */
function sampleTable(rows = CHUNK_ROWS * 2 + 17): Table {
  const float = new Float64Array(rows);
  const floatValid = new Uint8Array(rows);
  const int = new Float64Array(rows);
  const bool = new Float64Array(rows);
  const date = new Float64Array(rows);
  const codes = new Int32Array(rows);
  const catValid = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    floatValid[i] = i % 7 === 0 ? 0 : 1;
    float[i] = floatValid[i] ? i * 0.25 - 100 : 0;
    int[i] = i - 5000;
    bool[i] = i % 3 === 0 ? 1 : 0;
    date[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    catValid[i] = i % 11 === 5 ? 0 : 1;
    codes[i] = catValid[i] ? i % 3 : 0;
  }
  const all = () => new Uint8Array(rows).fill(1);
  return {
    rowCount: rows,
    columns: [
      { kind: 'numeric', name: 'price', type: 'float', values: float, valid: floatValid },
      { kind: 'numeric', name: 'count', type: 'integer', values: int, valid: all() },
      { kind: 'numeric', name: 'active', type: 'boolean', values: bool, valid: all() },
      { kind: 'numeric', name: 'at', type: 'datetime', values: date, valid: all() },
      { kind: 'string', name: 'colour', type: 'categorical', codes, dictionary: ['red', 'green', 'blue'], valid: catValid }
    ]
  };
}

function importOf(table: Table, hash = HASH, datasetName = 'data') {
  return { datasetName, source, table, hash, profile: { columns: table.columns.length } as never, warnings: ['row 3: trimmed'] };
}

/** Same type, same length, same bytes: a fast deep-equal (vitest's toEqual walks 131k elements one by one). */
function sameArray(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return a.constructor === b.constructor && bytes(a).equals(bytes(b));
}

async function counts(d: EnclaveDB) {
  return { projects: await d.projects.count(), datasets: await d.datasets.count(), versions: await d.versions.count(), chunks: await d.chunks.count() };
}

describe('saveImport and loadTable', () => {
  it('round-trips every column kind across several chunks byte for byte', async () => {
    const d = freshDb();
    const table = sampleTable();
    const res = await saveImport(d, importOf(table));
    expect(res.created).toBe(true);
    expect(res.hash).toBe(HASH);
    // 3 chunks for each of 5 columns
    expect(await d.chunks.count()).toBe(15);

    const back = await loadTable(d, HASH);
    expect(back.rowCount).toBe(table.rowCount);
    expect(back.columns.length).toBe(table.columns.length);
    table.columns.forEach((c, i) => {
      const b = back.columns[i];
      expect(b.kind).toBe(c.kind);
      expect(b.name).toBe(c.name);
      expect(b.type).toBe(c.type);
      expect(sameArray(b.valid, c.valid)).toBe(true);
      if (c.kind === 'numeric' && b.kind === 'numeric') {
        expect(sameArray(b.values, c.values)).toBe(true);
      } else if (c.kind === 'string' && b.kind === 'string') {
        expect(sameArray(b.codes, c.codes)).toBe(true);
        expect(b.dictionary).toEqual(c.dictionary);
      } else throw new Error('kind changed');
    });
  });

  it('stores the dictionary only on chunk 0 of a string column', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable()));
    const chunks = await d.chunks.where('hash').equals(HASH).toArray();
    const withDict = chunks.filter((c) => c.dictionary !== undefined).map((c) => [c.column, c.index]);
    expect(withDict).toEqual([[4, 0]]);
  });

  it('round-trips a table with zero rows and keeps the dictionary', async () => {
    const d = freshDb();
    const empty: Table = {
      rowCount: 0,
      columns: [
        { kind: 'numeric', name: 'x', type: 'float', values: new Float64Array(0), valid: new Uint8Array(0) },
        { kind: 'string', name: 's', type: 'text', codes: new Int32Array(0), dictionary: ['only'], valid: new Uint8Array(0) }
      ]
    };
    await saveImport(d, importOf(empty));
    const back = await loadTable(d, HASH);
    expect(back.rowCount).toBe(0);
    expect(back.columns[1].kind === 'string' && back.columns[1].dictionary).toEqual(['only']);
  });

  it('creates a default project once and records the version metadata', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable(10)));
    await saveImport(d, importOf(sampleTable(20), HASH2, 'second'));
    const projects = await d.projects.toArray();
    expect(projects.map((p) => p.name)).toEqual(['My project']);
    const ver = await getVersion(d, HASH);
    expect(ver).toMatchObject({ hash: HASH, parent: null, recipe: null, rowCount: 10, warnings: ['row 3: trimmed'], profile: { columns: 5 } });
    expect(ver?.schema[4]).toEqual({ name: 'colour', type: 'categorical', kind: 'string' });
    expect(await getVersion(d, 'ff'.repeat(32))).toBeUndefined();
  });

  it('saves nothing new when the same hash is imported twice', async () => {
    const d = freshDb();
    const first = await saveImport(d, importOf(sampleTable(100)));
    const before = await counts(d);
    const second = await saveImport(d, importOf(sampleTable(100), HASH, 'again'));
    expect(second).toEqual({ datasetId: first.datasetId, hash: HASH, created: false });
    expect(await counts(d)).toEqual(before);
    expect(before.versions).toBe(1);
  });

  it('rejects a project id that does not exist', async () => {
    const d = freshDb();
    await expect(saveImport(d, { ...importOf(sampleTable(5)), projectId: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await counts(d)).toEqual({ projects: 0, datasets: 0, versions: 0, chunks: 0 });
  });

  it('rejects a column whose length does not match the row count', async () => {
    const d = freshDb();
    const t = sampleTable(5);
    const bad: Table = { rowCount: 6, columns: t.columns };
    await expect(saveImport(d, importOf(bad))).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('atomic writes', () => {
  it('leaves nothing behind when a record cannot be stored mid-transaction', async () => {
    const d = freshDb();
    const t = sampleTable(10);
    const col = t.columns[4];
    // A function cannot be structured-cloned: the chunk put fails after project, dataset and version were added.
    if (col.kind === 'string') col.dictionary.push((() => 'x') as unknown as string);
    const err = await saveImport(d, importOf(t)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect((err as EnclaveError).code).toBe('storage');
    expect(await counts(d)).toEqual({ projects: 0, datasets: 0, versions: 0, chunks: 0 });
  });

  it('leaves nothing behind when the chunk write fails in the database (e.g. quota)', async () => {
    const d = freshDb();
    // Middleware below Dexie's API: every chunk mutation fails the way a full disk would.
    d.use({
      stack: 'dbcore',
      name: 'failing-chunks',
      create: (down) => ({
        ...down,
        table: (name) => {
          const t = down.table(name);
          if (name !== 'chunks') return t;
          return { ...t, mutate: () => Promise.reject(new DOMException('disk full', 'QuotaExceededError')) };
        }
      })
    });
    await expect(saveImport(d, importOf(sampleTable(10)))).rejects.toMatchObject({ code: 'too-large' });
    expect(await counts(d)).toEqual({ projects: 0, datasets: 0, versions: 0, chunks: 0 });
  });
});

describe('listDatasets and deleteDataset', () => {
  it('lists datasets newest first with row and column counts', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable(10), HASH, 'old'));
    await new Promise((r) => setTimeout(r, 5));
    await saveImport(d, importOf(sampleTable(20), HASH2, 'new'));
    const list = await listDatasets(d);
    expect(list.map((x) => [x.name, x.rowCount, x.columnCount])).toEqual([
      ['new', 20, 5],
      ['old', 10, 5]
    ]);
    expect(list[0].source).toEqual(source);
  });

  it('deletes a dataset with its versions and chunks and leaves others alone', async () => {
    const d = freshDb();
    const a = await saveImport(d, importOf(sampleTable(CHUNK_ROWS + 1), HASH, 'a'));
    await saveImport(d, importOf(sampleTable(3), HASH2, 'b'));
    expect(await deleteDataset(d, a.datasetId)).toBe(true);
    expect(await d.datasets.get(a.datasetId)).toBeUndefined();
    expect(await d.versions.get(HASH)).toBeUndefined();
    expect(await d.chunks.where('hash').equals(HASH).count()).toBe(0);
    expect(await d.chunks.where('hash').equals(HASH2).count()).toBe(5);
    expect((await listDatasets(d)).map((x) => x.name)).toEqual(['b']);
    expect(await deleteDataset(d, a.datasetId)).toBe(false);
  });

  it('deletes the runs trained on the dataset, their model artifacts and registered versions; others stay', async () => {
    const d = freshDb();
    const a = await saveImport(d, importOf(sampleTable(3), HASH, 'a'));
    const b = await saveImport(d, importOf(sampleTable(3), HASH2, 'b'));
    const run = (id: string, dataset: string) => ({ id, dataset, preparation: 'p', created: 1 }) as unknown as RunRecord;
    await d.runs.bulkAdd([run('r1', a.datasetId), run('r2', a.datasetId), run('r3', b.datasetId)]);
    await d.artifacts.bulkAdd(['r1', 'r2', 'r3'].map((r) => ({ run: r, model: { rows: [1, 2, 3] } as never, created: 1 })));
    const model = (id: string, r: string) => ({ id, name: 'm', run: r, created: 1 }) as unknown as ModelRecord;
    await d.models.bulkAdd([model('m1', 'r1'), model('m2', 'r1'), model('m3', 'r3')]);
    expect(await datasetFootprint(d, a.datasetId)).toEqual({ versions: 1, recipes: 0, drafts: 0, runs: 2, models: 2 });
    expect(await deleteDataset(d, a.datasetId)).toBe(true);
    expect((await d.runs.toArray()).map((r) => r.id)).toEqual(['r3']);
    expect((await d.artifacts.toArray()).map((r) => r.run)).toEqual(['r3']);
    expect((await d.models.toArray()).map((m) => m.id)).toEqual(['m3']);
    expect(await datasetFootprint(d, a.datasetId)).toEqual({ versions: 0, recipes: 0, drafts: 0, runs: 0, models: 0 });
  });
});

describe('reading damaged or missing data', () => {
  it('reports a chunk with the wrong byte length as a storage error', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable(CHUNK_ROWS + 10)));
    await d.chunks.update([HASH, 0, 1], { values: new ArrayBuffer(8 * 9) });
    await expect(loadTable(d, HASH)).rejects.toMatchObject({ name: 'EnclaveError', code: 'storage' });
  });

  it('reports a missing chunk as a storage error', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable(20)));
    await d.chunks.delete([HASH, 2, 0]);
    await expect(loadTable(d, HASH)).rejects.toMatchObject({ code: 'storage' });
  });

  it('reports a version record of the wrong shape as a storage error', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable(20)));
    await d.versions.update(HASH, { rowCount: -1 });
    await expect(loadTable(d, HASH)).rejects.toMatchObject({ code: 'storage' });
    await expect(getVersion(d, HASH)).rejects.toMatchObject({ code: 'storage' });
  });

  it('reports a code outside the dictionary as a storage error', async () => {
    const d = freshDb();
    await saveImport(d, importOf(sampleTable(20)));
    await d.chunks.update([HASH, 4, 0], { dictionary: ['red'] });
    await expect(loadTable(d, HASH)).rejects.toMatchObject({ code: 'storage' });
  });

  it('reports an unknown hash as not-found', async () => {
    const d = freshDb();
    await expect(loadTable(d, 'ee'.repeat(32))).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('browser storage', () => {
  it('returns nulls from storageInfo and requestPersistence where navigator.storage is absent', async () => {
    expect(await storageInfo()).toEqual({ usage: null, quota: null, persisted: null });
    expect(await requestPersistence()).toBeNull();
  });

  it('creates the default database lazily and only once', () => {
    expect(defaultDb()).toBe(defaultDb());
    expect(defaultDb().name).toBe('enclave');
  });
});

import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { createDb, type EnclaveDB, type ModelRecord, type RunRecord } from '../../src/lib/store/db.ts';
import { listPreparations } from '../../src/lib/store/preparations.ts';
import { datasetFootprint, deleteDataset, sweepOrphanDrafts } from '../../src/lib/store/delete.ts';
import { saveImport } from '../../src/lib/store/tables.ts';
import { loadTable } from '../../src/lib/store/load-table.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { withLocalStorage } from './local-storage.ts';

let dbs: EnclaveDB[] = [];
afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});
function freshDb(): EnclaveDB {
  const d = createDb(`store-delete-${crypto.randomUUID()}`);
  dbs.push(d);
  return d;
}

async function importCsv(database: EnclaveDB, name: string, text: string) {
  const blob = new Blob([text]);
  return importFile({ file: { name, size: blob.size, stream: () => blob.stream() } }, { database });
}

/** 30 rows: x, y (the target) and z; B is the same rows without z. */
function csvs() {
  const rows = Array.from({ length: 30 }, (_, i) => [i * 1.5, i % 2 ? 'yes' : 'no', 100 - i]);
  const a = ['x,y,z', ...rows.map((r) => r.join(','))].join('\n');
  const b = ['x,y', ...rows.map((r) => `${r[0]},${r[1]}`)].join('\n');
  return { a, b };
}

describe('deleting a dataset keeps what another dataset still uses', () => {
  it("deleting A leaves B's identical prepared splits loadable (the issue's reproduction)", async () => {
    const database = freshDb();
    const { a, b } = csvs();
    const A = await importCsv(database, 'a.csv', a);
    const B = await importCsv(database, 'b.csv', b);
    const split = { seed: 42, fractions: [0.6, 0.2, 0.2] as [number, number, number] };
    const pa = await prepare({ source: A.hash, recipe: { target: 'y', steps: [{ kind: 'drop-columns', columns: ['z'] }] }, split }, { database });
    const pb = await prepare({ source: B.hash, recipe: { target: 'y', steps: [] }, split }, { database });
    if (pa.status !== 'saved' || pb.status !== 'saved') throw new Error('expected both saved');
    // Same prepared bytes: content addressing stores them once.
    expect(pb.preparation.splits).toEqual(pa.preparation.splits);

    expect(await deleteDataset(database, A.datasetId)).toBe(true);
    const [kept] = await listPreparations(database, B.datasetId);
    for (const name of ['train', 'validation', 'test'] as const) {
      const t = await loadTable(database, kept.splits[name]);
      expect(t.rowCount).toBe(pb.preparation.sizes[name]);
      // The surviving version now belongs to the dataset that still uses it.
      expect(await database.versions.get(kept.splits[name])).toMatchObject({ dataset: B.datasetId, preparation: pb.preparation.id, parent: B.hash });
    }
    // A's own source version went with it.
    expect(await database.versions.get(A.hash)).toBeUndefined();
    expect(await database.chunks.where('hash').equals(A.hash).count()).toBe(0);
  });
});

// ---- Every kind of reference, one at a time, with hand-built records ----

const HA = 'a0'.repeat(32); // A's source
const HB = 'b0'.repeat(32); // B's source
const HP = 'c0'.repeat(32); // a prepared split A made first
const source = { fileName: 'f.csv', size: 1, lastModified: 1, format: 'csv' };
const tiny = (): Table => ({ rowCount: 2, columns: [{ kind: 'numeric', name: 'x', type: 'float', values: new Float64Array([1, 2]), valid: new Uint8Array([1, 1]) }] });
const split = { method: 'random' as const, fractions: [0.6, 0.2, 0.2] as [number, number, number], seed: 42 };

async function twoDatasets(database: EnclaveDB) {
  const A = await saveImport(database, { datasetName: 'A', source, table: tiny(), hash: HA, profile: {} as never, warnings: [] });
  const B = await saveImport(database, { datasetName: 'B', source, table: tiny(), hash: HB, profile: {} as never, warnings: [] });
  // A prepared split (and its chunks) written by A's preparation, with A's recipe.
  await database.versions.add({ hash: HP, dataset: A.datasetId, parent: HA, recipe: 'recipe-a', rowCount: 2, schema: [{ name: 'x', type: 'float', kind: 'numeric' }], profile: {} as never, created: 1, warnings: [], split: 'train', preparation: 'pa' });
  await database.chunks.add({ hash: HP, column: 0, index: 0, values: new Float64Array([1, 2]).buffer, valid: new Uint8Array([1, 1]).buffer });
  await database.recipes.bulkAdd([{ hash: 'recipe-a', recipe: { steps: [] }, created: 1 }, { hash: 'recipe-b', recipe: { steps: [] }, created: 1 }]);
  await database.preparations.add({ id: 'pa', dataset: A.datasetId, source: HA, recipe: 'recipe-a', split, fitted: {} as never, splits: { train: HP, validation: HP, test: HP }, sizes: { train: 2, validation: 2, test: 2 }, report: {} as never, accepted: [], created: 1 });
  return { A: A.datasetId, B: B.datasetId };
}

const run = (id: string, dataset: string, version: string, recipe: string) =>
  ({ id, dataset, preparation: 'p', version, recipe, created: 1 }) as unknown as RunRecord;
const model = (id: string, runId: string, src: string) => ({ id, name: 'm', run: runId, source: src, created: 1 }) as unknown as ModelRecord;

describe('a version is removed only when nothing references it any more', () => {
  const kinds: [string, (db: EnclaveDB, ids: { A: string; B: string }) => Promise<unknown>][] = [
    ["another dataset's latest version", (db, { B }) => db.datasets.update(B, { latest: HP })],
    ["another dataset's preparation (as a split)", (db, { B }) =>
      db.preparations.add({ id: 'pb', dataset: B, source: HB, recipe: 'recipe-b', split, fitted: {} as never, splits: { train: HP, validation: HB, test: HB }, sizes: { train: 2, validation: 2, test: 2 }, report: {} as never, accepted: [], created: 2 })],
    ["another dataset's preparation (as its source)", (db, { B }) =>
      db.preparations.add({ id: 'pb', dataset: B, source: HP, recipe: 'recipe-b', split, fitted: {} as never, splits: { train: HB, validation: HB, test: HB }, sizes: { train: 2, validation: 2, test: 2 }, report: {} as never, accepted: [], created: 2 })],
    ["another dataset's run (its training version)", (db, { B }) => db.runs.add(run('rb', B, HP, 'recipe-b'))],
    ["a surviving model version (its source)", async (db, { B }) => { await db.runs.add(run('rb', B, HB, 'recipe-b')); await db.models.add(model('mb', 'rb', HP)); }]
  ];

  for (const [name, reference] of kinds) {
    it(`keeps a version A made while ${name} uses it, and removes A's own`, async () => {
      const database = freshDb();
      const ids = await twoDatasets(database);
      await reference(database, ids);
      expect(await deleteDataset(database, ids.A)).toBe(true);
      expect((await loadTable(database, HP)).rowCount).toBe(2);
      expect((await database.versions.get(HP))?.dataset).toBe(ids.B);
      expect(await database.versions.get(HA)).toBeUndefined();
      expect(await database.chunks.where('hash').equals(HA).count()).toBe(0);
      expect(await database.preparations.get('pa')).toBeUndefined();
      // The kept version's own recipe (or its new preparation's) is still stored.
      const kept = await database.versions.get(HP);
      if (kept?.recipe) expect(await database.recipes.get(kept.recipe)).toBeDefined();
    });
  }

  it('removes the version, its chunks and the recipe only it used when nothing else references them', async () => {
    const database = freshDb();
    const ids = await twoDatasets(database);
    expect(await datasetFootprint(database, ids.A)).toMatchObject({ versions: 2, recipes: 1 });
    await deleteDataset(database, ids.A);
    expect(await database.versions.get(HP)).toBeUndefined();
    expect(await database.chunks.where('hash').anyOf([HA, HP]).count()).toBe(0);
    expect(await database.recipes.get('recipe-a')).toBeUndefined();
    expect(await database.recipes.get('recipe-b')).toBeDefined();
    expect((await loadTable(database, HB)).rowCount).toBe(2);
  });

  it('keeps a recipe another dataset still uses, and counts only what goes', async () => {
    const database = freshDb();
    const ids = await twoDatasets(database);
    await database.runs.add(run('rb', ids.B, HB, 'recipe-a'));
    expect(await datasetFootprint(database, ids.A)).toMatchObject({ versions: 2, recipes: 0, runs: 0, models: 0 });
    await deleteDataset(database, ids.A);
    expect(await database.recipes.get('recipe-a')).toBeDefined();
  });

  it('deletes runs, artifacts and model versions trained on A even when they used a version B keeps', async () => {
    const database = freshDb();
    const ids = await twoDatasets(database);
    await database.runs.add(run('ra', ids.A, HP, 'recipe-a'));
    await database.artifacts.add({ run: 'ra', model: { rows: [[1], [2]] } as never, created: 1 });
    await database.models.add(model('ma', 'ra', HA));
    await database.runs.add(run('rb', ids.B, HP, 'recipe-b'));
    // HP stays (B's run uses it) and keeps naming recipe-a, so that recipe stays too.
    expect(await datasetFootprint(database, ids.A)).toEqual({ versions: 1, recipes: 0, drafts: 0, runs: 1, models: 1 });
    await deleteDataset(database, ids.A);
    expect(await database.runs.get('ra')).toBeUndefined();
    expect(await database.artifacts.get('ra')).toBeUndefined();
    expect(await database.models.get('ma')).toBeUndefined();
    expect(await database.runs.get('rb')).toBeDefined();
    expect((await loadTable(database, HP)).rowCount).toBe(2);
  });
});

describe('deleting a dataset leaves no traces outside IndexedDB', () => {
  it("removes the dataset's Prepare draft from localStorage, counts it, and leaves other drafts", async () => {
    await withLocalStorage(async () => {
      const database = freshDb();
      const ids = await twoDatasets(database);
      localStorage.setItem(`enclave:recipe:${HA}`, JSON.stringify({ steps: [{ kind: 'impute', columns: ['salary'], strategy: 'constant', value: 'secret' }] }));
      localStorage.setItem(`enclave:recipe:${HB}`, '{"steps":[]}');
      expect(await datasetFootprint(database, ids.A)).toMatchObject({ drafts: 1, recipes: 1 });
      await deleteDataset(database, ids.A);
      expect(localStorage.getItem(`enclave:recipe:${HA}`)).toBeNull();
      expect(localStorage.getItem(`enclave:recipe:${HB}`)).not.toBeNull();
    });
  });

  it('sweeps drafts whose source version is no longer stored', async () => {
    await withLocalStorage(async () => {
      const database = freshDb();
      await twoDatasets(database);
      localStorage.setItem(`enclave:recipe:${'ee'.repeat(32)}`, '{"steps":[]}');
      localStorage.setItem(`enclave:recipe:${HB}`, '{"steps":[]}');
      localStorage.setItem('enclave:selected', 'x');
      expect(await sweepOrphanDrafts(database)).toBe(1);
      expect(localStorage.getItem(`enclave:recipe:${'ee'.repeat(32)}`)).toBeNull();
      expect(localStorage.getItem(`enclave:recipe:${HB}`)).not.toBeNull();
      expect(localStorage.getItem('enclave:selected')).toBe('x');
    });
  });
});

describe('schema version 5 (versions indexed by recipe)', () => {
  it('indexes versions stored under version 4, and deleting after the upgrade still keeps a recipe another version uses', async () => {
    const name = `store-delete-v4-${crypto.randomUUID()}`;
    // The database as schema version 4 declared it (copied from db.ts; versions are append-only).
    const v4 = new Dexie(name);
    v4.version(1).stores({ projects: 'id', datasets: 'id, project, name', versions: 'hash, dataset, parent', chunks: '[hash+column+index], hash' });
    v4.version(2).stores({ recipes: 'hash', preparations: 'id, dataset, source, created' });
    v4.version(3).stores({ runs: 'id, dataset, preparation, created', models: 'id, name, run, created' });
    v4.version(4).stores({ artifacts: 'run' });
    const old = v4 as unknown as EnclaveDB;
    const ids = await twoDatasets(old);
    // B's own prepared version, made with A's recipe (identical recipes hash the same).
    await old.table('versions').add({ hash: 'd0'.repeat(32), dataset: ids.B, parent: HB, recipe: 'recipe-a', rowCount: 0, schema: [], profile: {}, created: 1, warnings: [] });
    v4.close();

    const database = createDb(name);
    dbs.push(database);
    expect(await database.versions.where('recipe').equals('recipe-a').primaryKeys()).toEqual(expect.arrayContaining([HP, 'd0'.repeat(32)]));
    expect(await datasetFootprint(database, ids.A)).toMatchObject({ versions: 2, recipes: 0 });
    await deleteDataset(database, ids.A);
    expect(await database.recipes.get('recipe-a')).toBeDefined();
  });
});

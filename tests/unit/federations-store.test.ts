import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import type { EnclaveDB, FederationRecord } from '../../src/lib/store/db.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';
import { getFederation, listFederations, putFederation, updateFederation } from '../../src/lib/store/federations.ts';
import { federatedRunId, listModels, registerImportedModel } from '../../src/lib/store/models.ts';
import type { SavedModel } from '../../src/lib/ml/models/saved.ts';
import { freshDatabases } from './fresh-db.ts';

const freshDb = freshDatabases('federations');

async function importCsv(database: EnclaveDB, name: string, text: string) {
  const blob = new Blob([text]);
  return importFile({ file: { name, size: blob.size, stream: () => blob.stream() } }, { database });
}

const csv = (k: number) => ['x,y', ...Array.from({ length: 20 }, (_, i) => `${i * k},${i % 2 ? 'yes' : 'no'}`)].join('\n');

function record(source: string, over: Partial<FederationRecord> = {}): FederationRecord {
  return { id: crypto.randomUUID(), server: 'http://127.0.0.1:4173', federation: 'f'.repeat(22), token: 't'.repeat(43), source, roundsJoined: 0, epsilon: 0, epsilonImproved: 0, history: [], status: 'joining', message: 'Joining…', created: Date.now(), updated: Date.now(), ...over };
}

/** The final model a federation registers (what federated-job's registerGlobal stores). */
async function federatedModel(database: EnclaveDB, source: string, sha: string) {
  return registerImportedModel(database, {
    manifest: { name: 'fed', version: '1.0.0', contentHash: sha, features: ['x'], target: 'y', task: 'classification', classNames: ['no', 'yes'], inputSchema: [{ name: 'x', type: 'float', kind: 'numeric' }], metrics: { test: { accuracy: 1, logLoss: 0.1, macroF1: 1 } } },
    model: { format: 'enclave-model' } as unknown as SavedModel,
    recipe: { steps: [] }
  }, { run: federatedRunId('f'.repeat(22), sha), source });
}

describe('federations on this device', () => {
  it('keeps a federation’s progress through a schema: ε at infinity, scores per version, a damaged record named', async () => {
    const database = freshDb();
    const r = record('h1');
    await putFederation(database, r);
    const after = await updateFederation(database, r.id, { status: 'running', roundsJoined: 2, epsilon: Infinity, epsilonImproved: Infinity, history: [{ version: 1, validation: { accuracy: 0.9, logLoss: 0.3, macroF1: 0.88 } }] });
    expect(await getFederation(database, r.id)).toEqual(after);
    expect((await listFederations(database)).map((f) => f.id)).toEqual([r.id]);
    await database.federations.put({ ...r, roundsJoined: -1 });
    await expect(listFederations(database)).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/stored federation .* is damaged/) });
  });

  it('deleting a dataset removes the federations that trained on it and the model they registered, and nothing of another', async () => {
    const database = freshDb();
    const a = await importCsv(database, 'a.csv', csv(1));
    const b = await importCsv(database, 'b.csv', csv(2));
    const ma = await federatedModel(database, a.hash, 'a'.repeat(64));
    const mb = await federatedModel(database, b.hash, 'b'.repeat(64));
    const fa = record(a.hash, { status: 'finished', model: ma.id });
    const fb = record(b.hash, { status: 'finished', model: mb.id });
    await putFederation(database, fa);
    await putFederation(database, fb);

    await deleteDataset(database, a.datasetId);
    expect((await listFederations(database)).map((f) => f.id)).toEqual([fb.id]);
    expect((await listModels(database)).map((m) => m.id)).toEqual([mb.id]);
    expect(await database.artifacts.get(ma.run)).toBeUndefined();
    expect(await database.artifacts.get(mb.run)).toBeDefined();
    expect(await database.versions.get(a.hash)).toBeUndefined(); // no federation keeps the deleted rows alive
  });

  it('upgrades a version 7 database to 8, keeping its records', async () => {
    const name = `v7-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(7).stores({ projects: 'id', datasets: 'id, project, name', versions: 'hash, dataset, parent, recipe', chunks: '[hash+column+index], hash', recipes: 'hash', preparations: 'id, dataset, source, created', runs: 'id, dataset, preparation, created', models: 'id, name, run, created', artifacts: 'run', settings: 'key', modelEvents: 'id, name, at, model', rollouts: 'name', modelSummaries: 'model', batches: 'id, model, name, created' });
    await old.open();
    await old.table('settings').put({ key: 'k', value: 1, updated: 1 });
    old.close();
    const { createDb } = await import('../../src/lib/store/db.ts');
    const d = createDb(name);
    await d.open();
    expect(d.verno).toBe(8);
    expect(await d.settings.get('k')).toEqual({ key: 'k', value: 1, updated: 1 });
    expect(await d.federations.count()).toBe(0);
    d.close();
    await d.delete();
  });
});

/** Deployment's store: retraining makes a challenger, rollouts and promotions swap aliases, and rollback undoes one. */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { predict, promote, train } from '../../src/lib/jobs/train-job.ts';
import { retrain } from '../../src/lib/jobs/retrain-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import type { EnclaveDB, ModelRecord } from '../../src/lib/store/db.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';
import { championOf, getRollout, modelHistory, recordModelEvent, promoteChallenger, rollback, setRollout } from '../../src/lib/store/model-history.ts';
import { getModel, listModels } from '../../src/lib/store/models.ts';

const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const freshDb = freshDatabases('history');

beforeAll(async () => {
  await initBackend('cpu');
});

/** Penguins imported, prepared, a logistic model trained and registered as "penguins" 1.0.0 (champion). */
async function champion(database: EnclaveDB) {
  const blob = new Blob([bytes]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  const prepared = await prepare({ source: imported.hash, recipe: { ...recipe, target: 'Species' }, split: { seed: 4 } }, { database });
  if (prepared.status !== 'saved') throw new Error('expected saved');
  const run = await train({ preparation: prepared.preparation.id, algorithm: 'logistic', hyperparameters: { epochs: 20 }, seed: 4, backend: 'cpu' }, { database });
  return { dataset: imported.datasetId, model: await promote(run.id, 'penguins', database) };
}

const row = [['Island', 'Biscoe'], ['Beak Length (mm)', 48], ['Beak Depth (mm)', 15], ['Flipper Length (mm)', 222], ['Body Mass (g)', 5400], ['Sex', 'MALE']] as [string, string | number][];

describe('retrain, roll out, promote, roll back', () => {
  it('retrains a champion into a challenger of the same name, with its history, then swaps and restores the aliases', async () => {
    const database = freshDb();
    const { model: v1 } = await champion(database);
    expect(v1.aliases).toEqual(['champion']);

    const v2 = await retrain({ model: v1.id, warmStart: true }, { database });
    expect(v2).toMatchObject({ name: 'penguins', version: '1.1.0', aliases: ['challenger'], target: 'Species', features: v1.features });
    expect(v2.metrics.test).toBeDefined(); // the new data's sealed test split, scored once
    expect((await championOf(database, 'penguins'))!.id).toBe(v1.id);

    const rollout = await setRollout(database, v2.id, 0.25, 7);
    expect(rollout).toMatchObject({ champion: v1.id, challenger: v2.id, share: 0.25, seed: 7 });
    await expect(setRollout(database, v1.id, 0.5)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/not a challenger/) });

    const promoted = await promoteChallenger(database, v2.id);
    expect(promoted.aliases).toEqual(['champion']);
    expect((await getModel(database, v1.id)).aliases).toEqual([]);
    expect(await getRollout(database, 'penguins')).toBeUndefined(); // the rollout ends with the promotion
    expect(await predict(v2.id, [row], database)).toBeDefined();

    const restored = await rollback(database, 'penguins');
    expect(restored.id).toBe(v1.id);
    expect((await getModel(database, v1.id)).aliases).toEqual(['champion']);
    expect((await getModel(database, v2.id)).aliases).toEqual(['challenger']);

    const history = await modelHistory(database, 'penguins');
    expect(history.map((e) => [e.action, e.model === v1.id ? 'v1' : 'v2', e.previous === undefined ? null : e.previous === v1.id ? 'v1' : 'v2', e.share ?? null])).toEqual([
      ['register', 'v1', null, null],
      ['register', 'v2', null, null],
      ['retrain', 'v2', 'v1', null],
      ['rollout', 'v2', null, 0.25],
      ['promote', 'v2', 'v1', null],
      ['rollback', 'v1', 'v2', null],
    ]);
    // A rollback of the restored champion has nothing before it.
    await expect(rollback(database, 'penguins')).rejects.toMatchObject({ message: expect.stringMatching(/nothing to roll back/) });
  }, 60_000);

  it('keeps the order of events recorded within one millisecond', async () => {
    const database = freshDb();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    try {
      for (let i = 0; i < 12; i++) {
        const model = { name: 'same-ms', id: `m${i}` } as unknown as ModelRecord;
        await recordModelEvent(database, { action: i % 2 ? 'retrain' : 'register', model });
      }
    } finally {
      clock.mockRestore();
    }
    expect((await modelHistory(database, 'same-ms')).map((e) => e.model)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
  });

  it('refuses a warm start for a model kind without weights, and deleting the dataset removes the history and rollout', async () => {
    const database = freshDb();
    const { dataset, model: v1 } = await champion(database);
    const v2 = await retrain({ model: v1.id }, { database });
    await setRollout(database, v2.id, 0.05);
    await deleteDataset(database, dataset);
    expect(await listModels(database)).toEqual([]);
    expect(await database.modelEvents.count()).toBe(0);
    expect(await database.rollouts.count()).toBe(0);
  }, 60_000);

  it('upgrades a version 6 database to 7, keeping its records', async () => {
    const name = `v6-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(6).stores({ projects: 'id', datasets: 'id, project, name', versions: 'hash, dataset, parent, recipe', chunks: '[hash+column+index], hash', recipes: 'hash', preparations: 'id, dataset, source, created', runs: 'id, dataset, preparation, created', models: 'id, name, run, created', artifacts: 'run', settings: 'key' });
    await old.open();
    await old.table('settings').put({ key: 'k', value: 1, updated: 1 });
    old.close();
    const { createDb } = await import('../../src/lib/store/db.ts');
    const d = createDb(name);
    await d.open();
    expect(d.verno).toBe(8);
    expect(await d.settings.get('k')).toEqual({ key: 'k', value: 1, updated: 1 });
    expect(await d.modelEvents.count()).toBe(0);
    d.close();
    await d.delete();
  });
});

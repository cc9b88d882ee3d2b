/** Retraining from a registered model: the train job starts from its weights (warm start), or says why it can't. */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { promote, train } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import type { EnclaveDB } from '../../src/lib/store/db.ts';

const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const freshDb = freshDatabases('retrain');

beforeAll(async () => {
  await initBackend('cpu');
});


async function preparedPenguins(database: EnclaveDB, steps = recipe.steps) {
  const blob = new Blob([bytes]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  const r = await prepare({ source: imported.hash, recipe: { steps, target: 'Species' }, split: { seed: 3 } }, { database });
  if (r.status !== 'saved') throw new Error('expected saved');
  return r.preparation.id;
}

describe('retraining from a registered model (warm start)', () => {
  it("continues from the champion's weights: the first epoch's loss is the trained model's, far below a fresh start's", async () => {
    const database = freshDb();
    const preparation = await preparedPenguins(database);
    const hp = { epochs: 30, learningRate: 0.05 };
    const first = await train({ preparation, algorithm: 'logistic', hyperparameters: hp, seed: 1, backend: 'cpu' }, { database });
    const champion = await promote(first.id, 'penguins', database);
    const fresh = await train({ preparation, algorithm: 'logistic', hyperparameters: { ...hp, epochs: 1 }, seed: 2, backend: 'cpu' }, { database });
    const warm = await train({ preparation, algorithm: 'logistic', hyperparameters: { ...hp, epochs: 1 }, seed: 2, backend: 'cpu', warmStart: { model: champion.id } }, { database });
    const trained = first.history[first.history.length - 1].loss;
    // One epoch from the champion's weights stays near where the champion ended; one from a fresh init is far above it.
    expect(warm.history[0].loss).toBeLessThan(trained * 1.5);
    expect(fresh.history[0].loss).toBeGreaterThan(trained * 2);
  }, 60_000);

  it('refuses a model whose features differ from the preparation, and auto, saying why', async () => {
    const database = freshDb();
    const preparation = await preparedPenguins(database);
    const run = await train({ preparation, algorithm: 'logistic', hyperparameters: { epochs: 2 }, seed: 1, backend: 'cpu' }, { database });
    const model = await promote(run.id, 'penguins', database);
    // The same data without the Sex one-hot: fewer features.
    const other = await preparedPenguins(database, [...recipe.steps.filter((s: { kind: string }) => s.kind !== 'onehot'), { kind: 'onehot', columns: ['Island'] }, { kind: 'drop-columns', columns: ['Sex'] }]);
    await expect(train({ preparation: other, algorithm: 'logistic', hyperparameters: { epochs: 1 }, backend: 'cpu', warmStart: { model: model.id } }, { database })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/feature/i) });
    await expect(train({ preparation, algorithm: 'auto', backend: 'cpu', warmStart: { model: model.id } }, { database })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/auto/) });
    await expect(train({ preparation, algorithm: 'logistic', backend: 'cpu', warmStart: { model: 'gone' } }, { database })).rejects.toMatchObject({ code: 'not-found' });
  }, 60_000);
});

/**
 * One pipeline: the studio (import job → prepare job → train job → promote → predict, through IndexedDB) and the
 * headless runner (trainPipeline on the file's table) give the same numbers for the same file, recipe and seed.
 */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { predict, promote, train } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { trainPipeline } from '../../src/lib/services/pipeline.ts';
import { predictTable } from '../../src/lib/services/predict.ts';
import type { EnclaveDB } from '../../src/lib/store/db.ts';
import { rowArrays } from '../../src/lib/core/table.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import { readFileTable } from './ml-fixtures.ts';

const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const speciesRecipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
/** The fixture recipe; for another target, Species becomes a feature, one-hot encoded like Island and Sex. */
const recipeFor = (target: string) => target === 'Species' ? speciesRecipe
  : { steps: speciesRecipe.steps.map((s: { kind: string }) => (s.kind === 'onehot' ? { ...s, columns: ['Island', 'Sex', 'Species'] } : s)) };
const freshDb = freshDatabases('agreement');

beforeAll(async () => {
  await initBackend('cpu');
});


async function studio(database: EnclaveDB, target: string, algorithm: 'logistic' | 'mlp' | 'linear', hyperparameters: Record<string, unknown>, seed: number) {
  const blob = new Blob([bytes]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  const prepared = await prepare({ source: imported.hash, recipe: { ...recipeFor(target), target }, split: { seed } }, { database });
  if (prepared.status !== 'saved') throw new Error('expected the preparation to be saved');
  const run = await train({ preparation: prepared.preparation.id, algorithm, hyperparameters, seed, backend: 'cpu' }, { database });
  const model = await promote(run.id, 'agreement', database);
  return { run, model };
}

describe('the studio and the headless runner', () => {
  it.each([
    ['Species', 'logistic', { epochs: 40 }],
    ['Species', 'mlp', { units: [8], epochs: 15 }],
    ['Flipper Length (mm)', 'linear', {}],
  ] as const)('give the same scores on every split and the same predictions (%s, %s)', async (target, algorithm, hyperparameters) => {
    const database = freshDb();
    const seed = 7;
    const app = await studio(database, target, algorithm, hyperparameters, seed);
    const table = await readFileTable('static/samples/penguins.csv');
    // Promote and predict start the default backend (wasm in Node); the headless run starts the one the studio trained on.
    await initBackend('cpu');
    const cli = await trainPipeline(table, { target, recipe: recipeFor(target), algorithm, hyperparameters, seed });
    try {
      expect(app.run.features).toEqual(cli.features);
      expect(app.run.backend).toBe(cli.backend);
      expect(app.run.metrics.train).toEqual(cli.metrics.train);
      expect(app.run.metrics.validation).toEqual(cli.metrics.validation);
      expect(app.model.metrics.test).toEqual(cli.metrics.test);
      expect(app.run.history).toEqual(cli.history);
      // Predictions for the first 25 source rows, typed as a person would ([column, value] pairs).
      const head = takeRows(table, Uint32Array.from({ length: 25 }, (_, i) => i));
      const records = rowArrays(head).map((row) => table.columns.map((c, j) => [c.name, row[j]] as [string, string | number | boolean | null]));
      const viaApp = await predict(app.model.id, records, database);
      const viaCli = await predictTable(cli.model, cli, head);
      expect(viaApp).toEqual(viaCli);
    } finally {
      cli.model.dispose();
    }
  }, 120_000);
});

/** Scoring a file during a staged rollout: both models score, each row is served by one; the batch is kept. */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { retrain } from '../../src/lib/jobs/retrain-job.ts';
import { scoreBatch } from '../../src/lib/jobs/score-batch-job.ts';
import { promote, train } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { listBatches } from '../../src/lib/store/batches.ts';
import { setRollout } from '../../src/lib/store/model-history.ts';

const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const freshDb = freshDatabases('score-rollout');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('scoreBatch during a staged rollout', () => {
  it('serves about the share of rows from the challenger, reports both side by side, and keeps the batch for monitoring', async () => {
    const database = freshDb();
    const blob = new Blob([bytes]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    const prepared = await prepare({ source: imported.hash, recipe: { ...recipe, target: 'Species' }, split: { seed: 2 } }, { database });
    if (prepared.status !== 'saved') throw new Error('expected saved');
    const run = await train({ preparation: prepared.preparation.id, algorithm: 'logistic', hyperparameters: { epochs: 5 }, seed: 2, backend: 'cpu' }, { database });
    const champion = await promote(run.id, 'penguins', database);
    const challenger = await retrain({ model: champion.id }, { database });
    await setRollout(database, challenger.id, 0.5, 13);

    const file = { name: 'penguins.csv', size: bytes.byteLength, stream: () => new Blob([bytes]).stream() };
    const r = await scoreBatch({ model: champion.id, file }, { database });
    expect(r.rows).toBe(344);
    expect(r.rollout!.share).toBe(0.5);
    expect(r.rollout!.champion.version).toBe('1.0.0');
    expect(r.rollout!.challenger.version).toBe('1.1.0');
    expect(r.rollout!.champion.rows + r.rollout!.challenger.rows).toBe(344);
    expect(r.rollout!.challenger.rows).toBeGreaterThan(120);
    expect(r.rollout!.challenger.rows).toBeLessThan(224);
    const batches = await listBatches(database, 'penguins');
    expect(batches.map((b) => b.id)).toEqual([r.batch.id]);
    expect(batches[0]).toMatchObject({ model: champion.id, rows: 344, fileName: 'penguins.csv' });
  }, 60_000);
});

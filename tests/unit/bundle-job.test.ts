/** The studio's bundle jobs: export a registered version, import it elsewhere, predict the same; its summaries travel. */
import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportModelBundle, exportModelOnnx, importModelBundle } from '../../src/lib/jobs/bundle-job.ts';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { predict, promote, train } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { getModelSummary } from '../../src/lib/store/batches.ts';
import { modelHistory } from '../../src/lib/store/model-history.ts';

const bytes = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const freshDb = freshDatabases('bundle-job');
const rows = [
  [['Island', 'Biscoe'], ['Beak Length (mm)', 48], ['Beak Depth (mm)', 15], ['Flipper Length (mm)', 222], ['Body Mass (g)', 5400], ['Sex', 'MALE']],
  [['Island', 'Dream'], ['Beak Length (mm)', 39], ['Beak Depth (mm)', 18], ['Flipper Length (mm)', 190], ['Body Mass (g)', 3700], ['Sex', 'FEMALE']],
] as [string, string | number][][];

beforeAll(async () => {
  await initBackend('cpu');
});

describe('bundle jobs', () => {
  it('exports a version with its training summaries, imports it into another database once, and it predicts the same', async () => {
    const here = freshDb();
    const blob = new Blob([bytes]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database: here });
    const prepared = await prepare({ source: imported.hash, recipe: { ...recipe, target: 'Species' }, split: { seed: 5 } }, { database: here });
    if (prepared.status !== 'saved') throw new Error('expected saved');
    const run = await train({ preparation: prepared.preparation.id, algorithm: 'mlp', hyperparameters: { units: [8], epochs: 10 }, seed: 5, backend: 'cpu' }, { database: here });
    const version = await promote(run.id, 'penguins', here);
    const before = await predict(version.id, rows, here);

    const out = await exportModelBundle({ model: version.id }, { database: here });
    expect(out.fileName).toBe('penguins-1.0.0.zip');
    expect((await exportModelOnnx({ model: version.id }, { database: here })).fileName).toBe('penguins-1.0.0.onnx');

    const there = freshDb();
    const first = await importModelBundle({ bytes: out.bytes }, { database: there });
    expect(first.created).toBe(true);
    expect(first.model).toMatchObject({ name: 'penguins', version: '1.0.0', aliases: ['champion'], features: version.features });
    // Same classes; probabilities to float32 rounding (an imported version runs on the first backend that starts here).
    const after = await predict(first.model.id, rows, there);
    expect(after.predictions).toEqual(before.predictions);
    after.probabilities!.forEach((p, i) => p.forEach((x, k) => expect(x).toBeCloseTo(before.probabilities![i][k], 6)));
    // Monitoring works for the imported version: its training summaries came with it.
    expect((await getModelSummary(there, first.model.id))?.summary.rowCount).toBe(prepared.preparation.sizes.train);
    expect((await modelHistory(there, 'penguins')).map((e) => e.action)).toEqual(['register']);
    const again = await importModelBundle({ bytes: out.bytes }, { database: there });
    expect(again).toEqual({ model: first.model, created: false });

    await expect(importModelBundle({ bytes: new TextEncoder().encode('not a zip') }, { database: there })).rejects.toMatchObject({ message: expect.stringMatching(/not a model bundle/) });
  }, 60_000);
});

import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { train } from '../../src/lib/jobs/train-job.ts';
import { analyse } from '../../src/lib/jobs/analyse.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { analyseModel } from '../../src/lib/services/analyse.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { numericColumn, selectColumns, takeRows } from '../../src/lib/core/table-ops.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { KnnModel } from '../../src/lib/ml/models/knn.ts';

const text = readFileSync('static/samples/penguins.csv', 'utf8');
const freshDb = freshDatabases('analyse');

beforeAll(async () => {
  await initBackend('cpu');
});


describe('analyse (error analysis on the Evaluate page)', () => {
  it('traces validation rows back to the right source rows when rows without a target were left out before the split', async () => {
    const database = freshDb();
    const blob = new Blob([text]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
    // Body Mass (g) is empty in rows 4 and 340 of penguins.csv: they are left out, so every later row shifts by one or two.
    const steps = [
      { kind: 'impute', columns: '*numeric', strategy: 'mean' },
      { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
      { kind: 'onehot', columns: ['Species', 'Island', 'Sex'] },
    ];
    const prep = await prepare({ source: imported.hash, recipe: { target: 'Body Mass (g)', steps }, split: { seed: 42 } }, { database });
    if (prep.status !== 'saved') throw new Error('expected saved');
    expect(prep.preparation.excluded).toEqual({ missingTarget: 2 });
    const run = await train({ preparation: prep.preparation.id, algorithm: 'knn', hyperparameters: { k: 3 }, backend: 'cpu' }, { database });

    const a = await analyse(run.id, 'Island', database);
    expect(a.notes).toEqual([]); // aligned: nothing says the rows can't be traced back
    expect(a.slices!.rows.reduce((s, r) => s + r.count, 0)).toBe(prep.preparation.sizes.validation);
    expect(a.worst).toHaveLength(10);
    // The reference: the CSV's own lines, split on commas (penguins.csv has no quoted fields). `row` is 1-based.
    const lines = text.trim().split('\n').map((l) => l.split(','));
    const header = lines[0];
    for (const w of a.worst) {
      const line = lines[w.row];
      const values = new Map(w.values);
      expect(Number(line[header.indexOf('Body Mass (g)')])).toBe(w.actual);
      expect(values.get('Body Mass (g)')).toBe(w.actual);
      expect(values.get('Species')).toBe(line[header.indexOf('Species')]);
      expect(values.get('Flipper Length (mm)')).toBe(Number(line[header.indexOf('Flipper Length (mm)')]));
    }
  }, 60_000);
});

describe('analyseModel (store-free error analysis)', () => {
  it('shuffles every feature with the same permutations (scikit-learn): two identical features get identical importances, an unused one 0', async () => {
    const rng = seeded(3);
    const n = 300;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const noise = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from(a, (v) => 2 * v + 1);
    const source: Table = { rowCount: n, columns: [numericColumn('a', 'float', a), numericColumn('a copy', 'float', a.slice()), numericColumn('noise', 'float', noise), numericColumn('y', 'float', y)] };
    const split = { seed: 5, target: 'y' };
    const idx = splitTable(source, split).indices;
    const train = toDataset(takeRows(source, idx.train), 'y');
    const validation = toDataset(takeRows(source, idx.validation), 'y', train.shape);
    const model = KnnModel.fit(toDataset(selectColumns(takeRows(source, idx.train), ['a', 'a copy', 'y']), 'y'), { k: 1, distance: 'euclidean' } as never, 1);
    // A 1-NN on a and its copy only, reading features by name through a matrix with noise left out.
    const wrapped = { ...model, spec: model.spec, predict: (X: Float32Array, rows?: number) => {
      const m = rows ?? X.length / 3;
      const two = new Float32Array(m * 2);
      for (let i = 0; i < m; i++) { two[i * 2] = X[i * 3]; two[i * 2 + 1] = X[i * 3 + 1]; }
      return model.predict(two, m);
    }, dispose: () => model.dispose() } as never;
    const r = await analyseModel({ model: wrapped, validation, source, split, seed: 11, sliceColumn: null, repeats: 4 });
    const by = new Map(r.importance.map((f) => [f.feature, f]));
    expect(by.get('a')!.mean).toBeGreaterThan(0.5);
    expect(by.get('a copy')!.mean).toBe(by.get('a')!.mean);
    expect(by.get('a copy')!.std).toBe(by.get('a')!.std);
    expect(by.get('noise')).toEqual({ feature: 'noise', mean: 0, std: 0 });
    expect(r.worst.map((w) => w.values.map(([k]) => k))[0]).toEqual(['a', 'a copy', 'noise', 'y']);
    model.dispose();
  });
});

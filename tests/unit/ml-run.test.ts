import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import type { ClassificationScores, RegressionScores } from '../../src/lib/ml/models/score.ts';
import { filterRows } from '../../src/lib/core/table-ops.ts';
import { trainPipeline, type PipelineProgress } from '../../src/lib/services/pipeline.ts';
import { applyRecipe } from '../../src/lib/core/recipe/index.ts';
import { modelFromJSON } from '../../src/lib/ml/train.ts';
import { readFileTable } from './ml-fixtures.ts';

let penguins: Table;
beforeAll(async () => {
  await initBackend('cpu');
  penguins = await readFileTable('static/samples/penguins.csv');
});

const logistic = { target: 'Species', algorithm: 'logistic', hyperparameters: { epochs: 60 } } as const;

describe('trainPipeline', () => {
  it('prepares 60/20/20 (stratified, default recipe), trains, and scores every split; the same seed gives the same report', async () => {
    const progress: PipelineProgress[] = [];
    const a = await trainPipeline(penguins, { ...logistic, seed: 42 }, { onProgress: (p) => progress.push(p) });
    expect(a).toMatchObject({ task: 'classification', target: 'Species', algorithm: 'logistic', seed: 42, classNames: ['Adelie', 'Chinstrap', 'Gentoo'], backend: 'cpu' });
    expect(a.rows).toEqual({ train: 206, validation: 69, test: 69 });
    expect(a.features).toEqual(expect.arrayContaining(['Island=Biscoe', 'Sex=MALE', 'Beak Length (mm)']));
    for (const split of ['train', 'validation', 'test'] as const) expect((a.metrics[split] as ClassificationScores).accuracy).toBeGreaterThan(0.95);
    expect(a.timing.totalMs).toBeGreaterThanOrEqual(a.timing.prepareMs + a.timing.trainMs);
    expect(progress[0].stage).toBe('prepare');
    expect(progress.filter((p) => p.stage === 'train').length).toBe(a.history.length);
    expect(progress[progress.length - 1]).toMatchObject({ stage: 'evaluate', done: 3, total: 3 });
    // The model and the fitted recipe are all a prediction needs: new rows → recipe → model.
    const saved = JSON.stringify(a.model.toJSON());
    const rows = applyRecipe(penguins, a.fitted, 'predict');
    const loaded = modelFromJSON(saved);
    const ds = toDataset(rows, 'Species', loaded.shape);
    expect(await loaded.predict(ds.X)).toEqual(await a.model.predict(ds.X));
    loaded.dispose();
    a.model.dispose();
    const b = await trainPipeline(penguins, { ...logistic, seed: 42 });
    expect(b.metrics).toEqual(a.metrics);
    expect(b.history).toEqual(a.history);
    b.model.dispose();
  });

  it('drops columns first, and refuses unknown ones, the target, and an algorithm that does not fit the task', async () => {
    const r = await trainPipeline(penguins, { ...logistic, drop: ['Island', 'Sex'] });
    expect(r.features).toEqual(['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)']);
    r.model.dispose();
    await expect(trainPipeline(penguins, { ...logistic, drop: ['Islnd'] })).rejects.toThrow(/Can't drop "Islnd": no such column/);
    await expect(trainPipeline(penguins, { ...logistic, drop: ['Species'] })).rejects.toThrow(/is the target/);
    await expect(trainPipeline(penguins, { target: 'Species', algorithm: 'linear' })).rejects.toThrow(/classification target; linear can't predict it/);
    await expect(trainPipeline(penguins, { target: 'Species', algorithm: 'mlp', hyperparameters: { learningRate: 0 } })).rejects.toThrow(/mlp: learningRate must be a number > 0/);
  });

  it('leaves out the rows without a target (counted, with a warning), refuses text features by name, and trains a regression', async () => {
    // penguins.csv: Body Mass (g) is empty in 2 of 344 rows.
    const r = await trainPipeline(penguins, { target: 'Body Mass (g)', algorithm: 'linear' });
    expect(r.task).toBe('regression');
    expect(r.excluded).toEqual({ missingTarget: 2 });
    expect(r.rows.train + r.rows.validation + r.rows.test).toBe(342);
    expect(r.warnings).toContain('2 rows without a value for Body Mass (g) were left out before the split.');
    expect((r.metrics.test as RegressionScores).rmse).toBeLessThan(400); // the body mass's std is ~800 g
    r.model.dispose();
    // A recipe of one's own is taken as written: the categories it leaves are named, with their fix, before training.
    const recipe = { steps: [{ kind: 'drop-missing', axis: 'rows', columns: '*' }] };
    const text = await trainPipeline(penguins, { target: 'Body Mass (g)', algorithm: 'linear', recipe }).catch((x: unknown) => x);
    expect(text).toBeInstanceOf(EnclaveError);
    expect((text as EnclaveError).code).toBe('invalid-recipe');
    expect((text as EnclaveError).message).toMatch(/"Species" \(categorical\): one-hot .*"Island" \(categorical\)/);
    const known = filterRows(penguins, Uint8Array.from(penguins.columns.find((c) => c.name === 'Body Mass (g)')!.valid));
    const same = await trainPipeline(known, { target: 'Body Mass (g)', algorithm: 'linear' });
    expect(same.metrics).toEqual(r.metrics); // leaving the rows out = dropping them first
    expect(same.excluded).toEqual({ missingTarget: 0 });
    same.model.dispose();
  });

  it('without a recipe, drops identifier and free-text columns and turns dates into parts, with a warning for each', async () => {
    const t = await readFileTable('tests/fixtures/customers-with-ids.csv');
    expect(t.columns.map((c) => c.type)).toEqual(['identifier', 'text', 'datetime', 'float', 'categorical', 'categorical']);
    const r = await trainPipeline(t, { target: 'label', algorithm: 'logistic', hyperparameters: { epochs: 30 } });
    expect(r.features).toEqual(['signup_year', 'signup_month', 'signup_weekday', 'size', 'colour=blue', 'colour=green', 'colour=red']);
    expect(r.warnings).toEqual([
      '"customer_id" looks like an identifier: left out of the features.',
      '"comment" is free text: left out of the features (a recipe can encode it).',
      '"signup" is a date: the model sees its year, month and weekday.',
    ]);
    r.model.dispose();
    // Given a recipe, nothing is dropped for the person: the columns are named instead.
    const e = await trainPipeline(t, { target: 'label', recipe: { steps: [] } }).catch((x: unknown) => x);
    expect(((e as EnclaveError).detail!.columns as { column: string }[]).map((c) => c.column)).toEqual(['customer_id', 'comment', 'signup', 'colour']);
  });

  it('cancels', async () => {
    const ac = new AbortController();
    const p = trainPipeline(penguins, { target: 'Species', algorithm: 'mlp' }, { signal: ac.signal, onProgress: (x) => x.stage === 'train' && x.done === 2 && ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('enclave train', () => {
  it('prints the report as JSON; a bad algorithm is a coded error', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'train', ...args], { encoding: 'utf8' });
    const r = run('static/samples/penguins.csv', '--target', 'Species', '--algorithm', 'knn', '--seed', '7', '--drop', 'Island');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: 'penguins.csv', task: 'classification', algorithm: 'knn', seed: 7, backend: 'wasm', rows: { total: 344, train: 206, validation: 69, test: 69 } });
    expect(out.metrics.test.accuracy).toBeGreaterThan(0.9);
    expect(out.features).not.toContain('Island=Biscoe');
    const bad = run('static/samples/penguins.csv', '--target', 'Species', '--algorithm', 'forest');
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr).error).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('--algorithm must be one of auto') });
    const noTarget = run('static/samples/penguins.csv');
    expect(JSON.parse(noTarget.stderr).error.message).toContain('--target');
  }, 60_000);
});

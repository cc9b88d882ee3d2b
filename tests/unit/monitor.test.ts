/**
 * Monitoring a scored batch (services/monitor-batch.ts) against a penguins model trained by the headless pipeline:
 * feature drift from the training split's summary, prediction drift, labelled metrics and the alerts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import { stringColumn, takeRows, withColumn } from '../../src/lib/core/table-ops.ts';
import { column, type NumericColumn, type StringColumn, type Table } from '../../src/lib/core/table.ts';
import { summariseTable, type TrainingSummary } from '../../src/lib/core/validate/drift/index.ts';
import { applyRecipe } from '../../src/lib/core/recipe/index.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { assess } from '../../src/lib/services/assess.ts';
import { monitorBatch, predictionSummaryOf, summarisePredictions, type MonitorInput } from '../../src/lib/services/monitor-batch.ts';
import { trainPipeline, type PipelineResult } from '../../src/lib/services/pipeline.ts';
import { predictTable } from '../../src/lib/services/predict.ts';
import { readFileTable } from './ml-fixtures.ts';

const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
const SEED = 7;
const FEATURES = ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex'];

let source: Table;
let cli: PipelineResult;
let raw: { train: Table; validation: Table; test: Table };
let summary: TrainingSummary;
let predictionSummary: TrainingSummary;

beforeAll(async () => {
  await initBackend('cpu');
  source = await readFileTable('static/samples/penguins.csv');
  cli = await trainPipeline(source, { target: 'Species', recipe, algorithm: 'logistic', hyperparameters: { epochs: 40 }, seed: SEED });
  // The pipeline's split, re-derived: the same seed and target give the same source rows.
  const { indices } = splitTable(source, { seed: SEED, target: 'Species' });
  raw = { train: takeRows(source, indices.train), validation: takeRows(source, indices.validation), test: takeRows(source, indices.test) };
  expect([raw.train.rowCount, raw.validation.rowCount, raw.test.rowCount]).toEqual([cli.rows.train, cli.rows.validation, cli.rows.test]);
  // What a model bundle carries: summaries round-tripped through JSON.
  summary = JSON.parse(JSON.stringify(summariseTable(raw.train)));
  predictionSummary = JSON.parse(JSON.stringify(await predictionSummaryOf(cli.model, cli, raw.validation)));
}, 120_000);

afterAll(() => cli?.model.dispose());

const input = (batch: Table, more: Partial<MonitorInput> = {}): MonitorInput => ({ model: cli.model, card: cli, summary, predictionSummary, testMetrics: cli.metrics.test, batch, ...more });

function scaled(table: Table, name: string, factor: number): Table {
  const c = column(table, name) as NumericColumn;
  return withColumn(table, { ...c, type: 'float', values: c.values.map((x) => x * factor) });
}

/** The batch with each row's Species replaced by f(species, row). */
function relabelled(table: Table, f: (species: string, row: number) => string): Table {
  const c = column(table, 'Species') as StringColumn;
  return withColumn(table, stringColumn('Species', 'categorical', Array.from(c.codes, (code, r) => f(c.dictionary[code], r))));
}

const drifted = (r: { columns: { column: string; drifted: boolean }[] }) => r.columns.filter((c) => c.drifted).map((c) => c.column);

describe('monitorBatch on penguins', () => {
  it('flags a batch whose body mass is 30% higher on that feature only', async () => {
    const r = await monitorBatch(input(scaled(raw.test, 'Body Mass (g)', 1.3)));
    expect(r.rows).toBe(raw.test.rowCount);
    expect(r.columns.map((c) => c.column)).toEqual(FEATURES); // the target is not a feature
    expect(drifted(r)).toEqual(['Body Mass (g)']);
    const mass = r.columns.find((c) => c.column === 'Body Mass (g)')!;
    expect(mass).toMatchObject({ test: 'ks', threshold: 0.05, referenceSize: summary.columns.find((c) => c.name === 'Body Mass (g)')!.count });
    expect(mass.pValue!).toBeLessThan(1e-6);
    expect(r.driftedShare).toBeCloseTo(1 / 6, 12);
    expect(r.datasetDrift).toBe(false);
    expect(r.alerts).toEqual([]);
  });

  it('does not flag a seeded resample (with replacement) of the training rows', async () => {
    const rng = seeded(2024);
    const rows = Array.from({ length: raw.train.rowCount }, () => rng.int(raw.train.rowCount));
    const r = await monitorBatch(input(takeRows(raw.train, rows)));
    expect(r.columns.map((c) => c.column)).toEqual(FEATURES);
    expect(drifted(r)).toEqual([]);
    expect(r.datasetDrift).toBe(false);
    expect(r.prediction?.drifted).toBe(false);
    expect(r.alerts).toEqual([]);
  });

  it('scores a labelled batch exactly as assess() scores the same rows, beside the sealed test', async () => {
    const r = await monitorBatch(input(raw.test, { target: 'Species' }));
    const data = toDataset(applyRecipe(raw.test, cli.fitted, 'eval'), 'Species', { task: cli.task, features: cli.features, classNames: cli.classNames });
    const assessed = await assess(cli.model, data);
    expect(r.metrics).toEqual({ batch: assessed.scores, test: cli.metrics.test, metric: 'accuracy', drop: 0, labelled: raw.test.rowCount });
    expect(r.metrics!.batch).toEqual(cli.metrics.test); // the test split is the batch: same numbers
    expect(r.alerts).toEqual([]);
  });

  it('scores only the rows that carry a label', async () => {
    const c = column(raw.test, 'Species') as StringColumn;
    const valid = c.valid.slice();
    valid[0] = valid[5] = 0;
    const r = await monitorBatch(input(withColumn(raw.test, { ...c, valid }), { target: 'Species' }));
    const keep = Array.from({ length: raw.test.rowCount }, (_, i) => i).filter((i) => i !== 0 && i !== 5);
    const data = toDataset(applyRecipe(takeRows(raw.test, keep), cli.fitted, 'eval'), 'Species', { task: cli.task, features: cli.features, classNames: cli.classNames });
    expect(r.metrics!.labelled).toBe(raw.test.rowCount - 2);
    expect(r.metrics!.batch).toEqual((await assess(cli.model, data)).scores);
  });

  it('alerts when the drifted share reaches the threshold, naming the features, and not below it', async () => {
    let batch = raw.test;
    for (const name of ['Beak Length (mm)', 'Flipper Length (mm)', 'Body Mass (g)']) batch = scaled(batch, name, 1.3);
    const r = await monitorBatch(input(batch));
    expect(drifted(r)).toEqual(['Beak Length (mm)', 'Flipper Length (mm)', 'Body Mass (g)']);
    expect(r.driftedShare).toBe(0.5);
    expect(r.datasetDrift).toBe(true);
    expect(r.alerts).toEqual([{ kind: 'data-drift', message: '3 of 6 features drifted (50%), at or above the alert threshold of 50%: "Beak Length (mm)", "Flipper Length (mm)", "Body Mass (g)".' }]);
    // The same batch under a higher threshold, and two drifted features under the default: no alert.
    const higher = await monitorBatch(input(batch, { thresholds: { driftedShare: 0.6 } }));
    expect([higher.datasetDrift, higher.alerts]).toEqual([false, []]);
    const two = await monitorBatch(input(scaled(scaled(raw.test, 'Flipper Length (mm)', 1.3), 'Body Mass (g)', 1.3)));
    expect([two.driftedShare, two.alerts]).toEqual([2 / 6, []]);
  });

  it('alerts when accuracy falls by more than the margin (labels flipped), and not within it', async () => {
    const { predictions } = await predictTable(cli.model, cli, raw.test);
    const truth = Array.from({ length: raw.test.rowCount }, (_, r) => { const c = column(raw.test, 'Species') as StringColumn; return c.dictionary[c.codes[r]]; });
    const other = (s: string) => cli.classNames!.find((k) => k !== s)!;
    // Flip the label of the first k rows the model gets right: accuracy falls by exactly k / n.
    const right = truth.flatMap((t, r) => (predictions[r] === t ? [r] : []));
    const n = raw.test.rowCount;
    const flip = (k: number) => { const set = new Set(right.slice(0, k)); return relabelled(raw.test, (s, r) => (set.has(r) ? other(s) : s)); };
    const testAccuracy = (cli.metrics.test as { accuracy: number }).accuracy;
    const accuracyNow = truth.filter((t, r) => predictions[r] === t).length / n;
    expect(accuracyNow).toBe(testAccuracy);

    const small = await monitorBatch(input(flip(3), { target: 'Species' })); // 3/69 = 0.043 ≤ 0.05
    expect(small.metrics!.drop).toBeCloseTo(3 / n, 12);
    expect(small.alerts).toEqual([]);

    const big = await monitorBatch(input(flip(4), { target: 'Species' })); // 4/69 = 0.058 > 0.05
    expect((big.metrics!.batch as { accuracy: number }).accuracy).toBeCloseTo(testAccuracy - 4 / n, 12);
    expect(big.metrics!.drop).toBeCloseTo(4 / n, 12);
    expect(big.alerts.map((a) => a.kind)).toEqual(['metric-drop']);
    // The sealed test's accuracy is 1 (n = 69): 1 − 4/69 = 0.94203, 4/69 = 0.05797, each to three decimals.
    expect(testAccuracy).toBe(1);
    expect(big.alerts[0].message).toBe("Accuracy on this batch's 69 labelled rows is 0.942, 0.058 below the sealed test's 1 (alert margin 0.05).");
    // A wider margin: no alert.
    expect((await monitorBatch(input(flip(4), { target: 'Species', thresholds: { metricDrop: 0.1 } }))).alerts).toEqual([]);
  });

  it('reports the drift of the predictions against the validation predictions', async () => {
    const same = await monitorBatch(input(raw.test));
    expect(same.prediction).toMatchObject({ test: 'chisquare', drifted: false, currentSize: raw.test.rowCount });
    // Only Gentoo rows: the model predicts (almost) only Gentoo, unlike on validation.
    const c = column(raw.test, 'Species') as StringColumn;
    const gentoo = Array.from({ length: raw.test.rowCount }, (_, i) => i).filter((i) => c.dictionary[c.codes[i]] === 'Gentoo');
    const r = await monitorBatch(input(takeRows(raw.test, gentoo)));
    expect(r.prediction).toMatchObject({ test: 'chisquare', drifted: true, currentSize: gentoo.length });
    expect(r.prediction!.pValue!).toBeLessThan(1e-4);
    // Without a prediction summary there is no prediction drift.
    expect((await monitorBatch(input(raw.test, { predictionSummary: undefined }))).prediction).toBeNull();
  });

  it('summarises predictions as one column of classes', () => {
    const s = summarisePredictions(['Adelie', 'Gentoo', 'Adelie']);
    expect(s.columns).toEqual([expect.objectContaining({ name: 'prediction', kind: 'string', categories: [['Adelie', 2], ['Gentoo', 1]] })]);
  });

  it('refuses a batch asked for metrics without its label column, a batch of no rows, and labels of another column', async () => {
    const noLabels = { rowCount: raw.test.rowCount, columns: raw.test.columns.filter((c) => c.name !== 'Species') };
    const err = (p: Promise<unknown>) => p.then(() => { throw new Error('accepted'); }, (e: unknown) => e as EnclaveError);
    const a = await err(monitorBatch(input(noLabels, { target: 'Species' })));
    expect(a).toBeInstanceOf(EnclaveError);
    expect([a.code, a.message]).toEqual(['invalid-argument', 'The batch has no "Species" column, so there are no labels to score the model on. Add the labels, or monitor drift without them.']);
    // Without a target the same batch is monitored for drift.
    expect((await monitorBatch(input(noLabels))).metrics).toBeUndefined();
    const b = await err(monitorBatch(input(takeRows(raw.test, []))));
    expect([b.code, b.message]).toEqual(['invalid-argument', 'The batch has no rows: there is nothing to score or to compare with the training data.']);
    const c = await err(monitorBatch(input(raw.test, { target: 'Island' })));
    expect(c.code).toBe('invalid-argument');
    expect(c.message).toMatch(/predicts "Species"/);
    const d = await err(monitorBatch(input(raw.test, { thresholds: { driftedShare: 0 } })));
    expect(d.message).toMatch(/drifted-share threshold/);
  });
});

describe('monitorBatch on a regression model', () => {
  it('scores labelled rows as assess() does and measures the drop in R²', async () => {
    const target = 'Flipper Length (mm)';
    const recipeFor = { steps: recipe.steps.map((s: { kind: string }) => (s.kind === 'onehot' ? { ...s, columns: ['Island', 'Sex', 'Species'] } : s)) };
    const reg = await trainPipeline(source, { target, recipe: recipeFor, algorithm: 'linear', seed: SEED });
    try {
      const { indices } = splitTable(source, { seed: SEED, target });
      const test = takeRows(source, indices.test), train = takeRows(source, indices.train);
      const predictionSummary = await predictionSummaryOf(reg.model, reg, takeRows(source, indices.validation));
      const r = await monitorBatch({ model: reg.model, card: reg, summary: summariseTable(train), predictionSummary, testMetrics: reg.metrics.test, batch: test, target });
      expect(r.prediction).toMatchObject({ test: 'ks', drifted: false, currentSize: test.rowCount });
      const data = toDataset(applyRecipe(test, reg.fitted, 'eval'), target, { task: reg.task, features: reg.features });
      expect(r.metrics).toEqual({ batch: (await assess(reg.model, data)).scores, test: reg.metrics.test, metric: 'r2', drop: 0, labelled: test.rowCount });
      expect(r.columns.map((c) => c.column)).not.toContain(target);
    } finally {
      reg.model.dispose();
    }
  }, 60_000);
});

/**
 * ONNX export (services/onnx): the fitted recipe and the model as one graph over the source columns, run in ONNX
 * Runtime (onnxruntime-web's WebAssembly build, in Node) on the test split's source rows, must give the studio's
 * predictTable answers: probabilities (and values) to 1e-5, classes exactly. The reference is the studio's own
 * prediction path (recipe replay in float64 + the tfjs model), computed independently of the graph.
 */
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import { takeRows } from '../../src/lib/core/table-ops.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { applyRecipe } from '../../src/lib/core/recipe/index.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { featureMatrix } from '../../src/lib/ml/matrix.ts';
import { EnsembleModel } from '../../src/lib/ml/models/ensemble.ts';
import type { TrainedModel } from '../../src/lib/ml/models/saved.ts';
import { onnx } from '../../src/lib/services/onnx/graph.ts';
import { exportOnnx, exportOnnxModel, onnxFeeds, type SourceField } from '../../src/lib/services/onnx/index.ts';
import { trainPipeline, type PipelineResult } from '../../src/lib/services/pipeline.ts';
import { predictTable } from '../../src/lib/services/predict.ts';
import { readFileTable, tableOf } from './ml-fixtures.ts';

const speciesRecipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
/** For another target, Species becomes a feature, one-hot encoded like Island and Sex (as pipeline-agreement.test.ts). */
const recipeFor = (target: string) => target === 'Species' ? speciesRecipe
  : { steps: speciesRecipe.steps.map((s: { kind: string }) => (s.kind === 'onehot' ? { ...s, columns: ['Island', 'Sex', 'Species'] } : s)) };
const SEED = 7;
const TOL = 1e-5;

let penguins: Table;
let schema: SourceField[];
beforeAll(async () => {
  await initBackend('cpu');
  penguins = await readFileTable('static/samples/penguins.csv');
  schema = penguins.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
  ort.env.wasm.wasmPaths = resolve('node_modules/onnxruntime-web/dist') + '/';
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

/** The test split's source rows, as trainPipeline split them (same target and seed). */
function testRows(target: string): Table {
  return takeRows(penguins, splitTable(penguins, { target, seed: SEED }).indices.test);
}

async function runOnnx(bytes: Uint8Array, rows: Table, inputs: { name: string }[]): Promise<ort.InferenceSession.ReturnType> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, f] of onnxFeeds(rows, inputs)) feeds[name] = new ort.Tensor(f.type, f.data, [rows.rowCount, 1]);
  const out = await session.run(feeds);
  await session.release();
  return out;
}

function exportOf(r: PipelineResult, model: TrainedModel = r.model, withFeatures = false) {
  return exportOnnxModel({ model: model.toJSON(), fitted: r.fitted, inputSchema: schema, target: r.target, task: r.task, ...(r.classNames ? { classNames: r.classNames } : {}), withFeatures });
}

async function studioPredictions(r: PipelineResult, rows: Table, model: TrainedModel = r.model) {
  return predictTable(model, { target: r.target, features: r.features, task: r.task, ...(r.classNames ? { classNames: r.classNames } : {}), fitted: r.fitted }, rows);
}

/** ONNX probabilities against the studio's, within TOL each; predicted classes equal. Returns the largest difference. */
async function expectSameClasses(r: PipelineResult, model: TrainedModel = r.model): Promise<number> {
  const rows = testRows(r.target);
  const { bytes, inputs } = exportOf(r, model);
  const out = await runOnnx(bytes, rows, inputs);
  const studio = await studioPredictions(r, rows, model);
  const k = r.classNames!.length;
  const probs = out.probabilities.data as Float32Array;
  expect(out.probabilities.dims).toEqual([rows.rowCount, k]);
  let worst = 0;
  studio.probabilities!.forEach((row, i) => row.forEach((p, j) => (worst = Math.max(worst, Math.abs(probs[i * k + j] - p)))));
  expect(worst).toBeLessThan(TOL);
  expect(Array.from(out.prediction.data as BigInt64Array, (c) => r.classNames![Number(c)])).toEqual(studio.predictions);
  expect(Array.from(out.label.data as string[])).toEqual(studio.predictions);
  return worst;
}

describe('ONNX export, run in ONNX Runtime (onnxruntime-web, WebAssembly)', () => {
  it('a logistic regression with its recipe (impute, one-hot, min-max) gives the studio\'s probabilities to 1e-5 and its classes', async () => {
    const r = await trainPipeline(penguins, { target: 'Species', recipe: speciesRecipe, algorithm: 'logistic', hyperparameters: { epochs: 40 }, seed: SEED });
    // The test split includes a row with every measurement missing and rows without Sex: the imputation is exercised.
    expect(testRows('Species').columns.find((c) => c.name === 'Sex')!.valid.includes(0)).toBe(true);
    await expectSameClasses(r);
    // The input contract: one input per source column but the target, float64 for numbers and strings for categories,
    // written into the file's doc_string with the classes.
    const { bytes, inputs } = exportOf(r);
    expect(inputs).toEqual([
      { name: 'Island', type: 'string' }, { name: 'Beak Length (mm)', type: 'float64' }, { name: 'Beak Depth (mm)', type: 'float64' },
      { name: 'Flipper Length (mm)', type: 'float64' }, { name: 'Body Mass (g)', type: 'float64' }, { name: 'Sex', type: 'string' },
    ]);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(inputs.map((i) => i.name));
    expect(session.outputNames).toEqual(['probabilities', 'prediction', 'label']);
    await session.release();
    const proto = onnx.ModelProto.decode(bytes);
    expect(proto.docString).toContain('"Sex" string');
    expect(proto.docString).toContain('classes: Adelie, Chinstrap, Gentoo');
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 19]]);
    r.model.dispose();
  });

  it('an MLP (tanh hidden layers) gives the studio\'s probabilities to 1e-5 and its classes', async () => {
    const r = await trainPipeline(penguins, { target: 'Species', recipe: speciesRecipe, algorithm: 'mlp', hyperparameters: { units: [8, 4], activation: 'tanh', epochs: 15 }, seed: SEED });
    await expectSameClasses(r);
    r.model.dispose();
  });

  it('an ensemble of a logistic regression and an MLP gives the mean of their probabilities, as the studio', async () => {
    const a = await trainPipeline(penguins, { target: 'Species', recipe: speciesRecipe, algorithm: 'logistic', hyperparameters: { epochs: 20 }, seed: SEED });
    const b = await trainPipeline(penguins, { target: 'Species', recipe: speciesRecipe, algorithm: 'mlp', hyperparameters: { units: [8], activation: 'sigmoid', epochs: 10 }, seed: SEED });
    const ensemble = new EnsembleModel([a.model, b.model]);
    await expectSameClasses(a, ensemble);
    ensemble.dispose();
  });

  it('k-nearest neighbours (the training rows in the graph, TopK and a vote) gives the studio\'s vote shares and classes', async () => {
    const r = await trainPipeline(penguins, { target: 'Species', recipe: speciesRecipe, algorithm: 'knn', hyperparameters: { k: 5 }, seed: SEED });
    await expectSameClasses(r);
    r.model.dispose();
  });

  it('a linear regression of body mass (Species one-hot too), and its ensemble with kNN regression, give the studio\'s values to 1e-5 of their size', async () => {
    const target = 'Body Mass (g)';
    const r = await trainPipeline(penguins, { target, recipe: recipeFor(target), algorithm: 'linear', seed: SEED });
    const knn = await trainPipeline(penguins, { target, recipe: recipeFor(target), algorithm: 'knn', hyperparameters: { k: 3 }, seed: SEED });
    const rows = testRows(target);
    for (const model of [r.model, new EnsembleModel([r.model, knn.model])]) {
      const { bytes, inputs } = exportOf(r, model);
      const out = await runOnnx(bytes, rows, inputs);
      const studio = await studioPredictions(r, rows, model);
      expect(out.prediction.dims).toEqual([rows.rowCount]);
      const got = out.prediction.data as Float32Array;
      // float32 values near 4,000 g are 0.00024 apart: the comparison is relative.
      studio.predictions.forEach((v, i) => expect(Math.abs(got[i] - (v as number))).toBeLessThanOrEqual(TOL * Math.abs(v as number)));
    }
    r.model.dispose();
    knn.model.dispose();
  });

  it('replays every step kind with an ONNX form (derive, cast, impute with indicators, outliers, bin, ordinal, one-hot with other columns, scale, column choices) as the studio does, missing cells included', async () => {
    const target = 'Flipper Length (mm)';
    const recipe = { steps: [
      { kind: 'cast', column: 'Sex', to: 'text' },
      'ratio = `Beak Length (mm)` / `Beak Depth (mm)`',
      'lmass = round(log(`Body Mass (g)`), 2) + round(`Beak Depth (mm)`, -1 * 0.5)',
      'p = pow(`Beak Depth (mm)`, 0.5) + clip(`Beak Length (mm)`, 35, 50) - max(`Beak Depth (mm)`, 15) + min(abs(-`Beak Length (mm)`), 44) + exp(`Beak Depth (mm)` / 100) * sqrt(floor(`Beak Length (mm)`)) - ceil(`Beak Depth (mm)` ^ 1.5)',
      'heavy = `Body Mass (g)` >= 4000',
      'odd = if(`Beak Depth (mm)` != 18, `Beak Length (mm)` / (`Beak Depth (mm)` - 18), -1) * (`Body Mass (g)` < 5000)',
      { kind: 'impute', columns: ['Beak Length (mm)', 'Beak Depth (mm)', 'Body Mass (g)', 'ratio', 'lmass', 'p', 'odd'], strategy: 'median', indicator: true },
      { kind: 'impute', columns: ['heavy'], strategy: 'most_frequent' },
      { kind: 'impute', columns: ['Sex'], strategy: 'constant', value: 'unknown' },
      { kind: 'outliers', columns: ['ratio', 'odd'], method: 'iqr', action: 'clip' },
      { kind: 'outliers', columns: ['Body Mass (g)'], method: 'zscore', factor: 1, action: 'remove' },
      { kind: 'bin', columns: ['Beak Depth (mm)'], method: 'quantile', bins: 4 },
      { kind: 'bin', columns: ['lmass'], method: 'width', bins: 3 },
      { kind: 'ordinal', columns: ['Island'] },
      { kind: 'onehot', columns: ['Species'], maxCategories: 2 },
      { kind: 'onehot', columns: ['Sex', 'heavy'], unknown: 'infrequent' },
      { kind: 'cast', column: 'Beak Depth (mm)', to: 'float' },
      { kind: 'cast', column: 'Island', to: 'integer' },
      { kind: 'scale', columns: ['ratio', 'p', 'odd'], method: 'standard' },
      { kind: 'scale', columns: ['Body Mass (g)'], method: 'robust' },
      { kind: 'drop-duplicates' },
      { kind: 'drop-missing', axis: 'rows' },
      { kind: 'drop-columns', columns: ['Beak Length (mm)_was_missing'] },
      { kind: 'keep-columns', columns: '*' },
    ] };
    const r = await trainPipeline(penguins, { target, recipe, algorithm: 'linear', seed: SEED });
    expect(r.features).toEqual(expect.arrayContaining(['Species=Adelie', 'Species_other', 'Sex=unknown', 'Sex_other', 'heavy=true', 'odd_was_missing', 'Island']));
    // Every source row (the two without any measurement too): the missing-cell paths of each step run.
    const { bytes, inputs } = exportOf(r, r.model, true);
    expect(inputs.map((i) => i.name).sort()).toEqual(['Beak Depth (mm)', 'Beak Length (mm)', 'Body Mass (g)', 'Island', 'Sex', 'Species']);
    const out = await runOnnx(bytes, penguins, inputs);
    // The recipe's float64 replay, cast to float32, is the studio's feature matrix to the bit.
    expect(out.features.data).toEqual(featureMatrix(applyRecipe(penguins, r.fitted, 'predict'), target, r.features).X);
    const studio = await studioPredictions(r, penguins);
    const got = out.prediction.data as Float32Array;
    studio.predictions.forEach((v, i) => expect(Math.abs(got[i] - (v as number))).toBeLessThanOrEqual(TOL * Math.abs(v as number)));
    r.model.dispose();
  });

  it('computes UTC date parts (year, month, day, weekday, hour) from milliseconds as the studio does, before 1970 and on leap days too', async () => {
    // 60 dates: edges (the epoch and the millisecond before it, leap days, a century that is not a leap year) and a
    // spread of times from 1875 to 2096 (seeded by a plain linear congruence, no randomness), one missing.
    const edges = [0, -1, Date.UTC(2000, 1, 29, 23, 59), Date.UTC(2100, 1, 28, 12), Date.UTC(1900, 2, 1), Date.UTC(1969, 11, 31, 0, 30), Date.UTC(2024, 1, 29, 6)];
    const spread = Array.from({ length: 52 }, (_, i) => -3e12 + ((i * 7_919_000_003_041) % 7e12));
    const when: (number | null)[] = [...edges, ...spread, null];
    const table = tableOf({ when, y: when.map((_, i) => ((i * 37) % 101) / 4) }, { when: 'datetime' });
    const fields: SourceField[] = table.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
    const recipe = { steps: [
      { kind: 'date-parts', column: 'when', parts: ['year', 'month', 'day', 'weekday', 'hour'], dropOriginal: true },
      { kind: 'impute', columns: '*numeric', strategy: 'median' },
    ] };
    const r = await trainPipeline(table, { target: 'y', recipe, algorithm: 'linear', seed: SEED });
    const { bytes, inputs } = exportOnnxModel({ model: r.model.toJSON(), fitted: r.fitted, inputSchema: fields, target: 'y', task: 'regression', withFeatures: true });
    expect(inputs).toEqual([{ name: 'when', type: 'float64' }]);
    const out = await runOnnx(bytes, table, inputs);
    expect(r.features).toEqual(['when_year', 'when_month', 'when_day', 'when_weekday', 'when_hour']);
    expect(out.features.data).toEqual(featureMatrix(applyRecipe(table, r.fitted, 'predict'), 'y', r.features).X);
    // 1969-12-31T23:59:59.999Z is a Wednesday (2) at 23 h; 2000-02-29 a Tuesday (1).
    const X = out.features.data as Float32Array;
    expect(Array.from(X.subarray(5, 10))).toEqual([1969, 12, 31, 2, 23]);
    expect(Array.from(X.subarray(10, 15))).toEqual([2000, 2, 29, 1, 23]);
    r.model.dispose();
  });

  it('refuses a step it cannot map, naming the step: a text column cast to numbers, a formula that reads no column', async () => {
    // 40 rows: a number kept as text, and y = x + 0.5.
    const table = tableOf({
      code: Array.from({ length: 40 }, (_, i) => String(i % 7)),
      x: Array.from({ length: 40 }, (_, i) => i / 4),
      y: Array.from({ length: 40 }, (_, i) => i / 4 + 0.5),
    });
    const fields: SourceField[] = table.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind }));
    const refusal = async (steps: unknown[]) => {
      const r = await trainPipeline(table, { target: 'y', recipe: { steps }, algorithm: 'linear' });
      r.model.dispose();
      try {
        exportOnnx({ model: r.model.toJSON(), fitted: r.fitted, inputSchema: fields, target: 'y', task: 'regression' });
      } catch (e) {
        return e as EnclaveError;
      }
      throw new Error('expected a refusal');
    };
    const cast = await refusal([{ kind: 'cast', column: 'code', to: 'integer' }]);
    expect(cast).toBeInstanceOf(EnclaveError);
    expect(cast.code).toBe('invalid-argument');
    expect(cast.message).toMatch(/^ONNX export does not support casting text to integer yet: Step 1 \(cast\) casts "code"/);
    expect(cast.detail).toMatchObject({ step: 0, column: 'code' });
    const constant = await refusal([{ kind: 'drop-columns', columns: ['code'] }, 'two = 2']);
    expect(constant.message).toMatch(/^ONNX export does not support a formula without columns yet: Step 2 \(derive\) \("two"\) reads no column/);
    // A damaged stored state is named, not a TypeError.
    const r = await trainPipeline(table, { target: 'y', recipe: { steps: [{ kind: 'drop-columns', columns: ['code'] }] }, algorithm: 'linear' });
    const damaged = { steps: [...r.fitted.steps, { spec: { kind: 'scale', columns: ['x'], method: 'minmax' }, state: { columns: [{ name: 'x', center: '0', scale: 1 }] } }] };
    expect(() => exportOnnx({ model: r.model.toJSON(), fitted: damaged, inputSchema: fields, target: 'y', task: 'regression' })).toThrow(/^Step 2 \(scale\): its fitted state is damaged \(columns\.0\.center: /);
    r.model.dispose();
  });
});

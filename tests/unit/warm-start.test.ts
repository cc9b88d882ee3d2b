import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { trainModel, type TrainOutcome } from '../../src/lib/ml/train.ts';
import { architecture, initialWeights, type NetworkModel } from '../../src/lib/ml/models/network.ts';
import type { SavedModel } from '../../src/lib/ml/models/saved.ts';
import { parseSpec, type ModelSpecInput } from '../../src/lib/ml/models/spec.ts';
import type { Dataset } from '../../src/lib/ml/matrix.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { blobs, datasetOf } from './ml-fixtures.ts';
import { fails } from './errors.ts';

beforeAll(async () => {
  await initBackend('cpu'); // the tfjs engine runs on the CPU backend; the native one is asked for by name
});

const data = blobs([[-1, 0, 0], [1, 0.5, 0], [0, 1, 1]], 30, 0.8, 11);
const val = blobs([[-1, 0, 0], [1, 0.5, 0], [0, 1, 1]], 10, 0.8, 12);
const reg = datasetOf(Array.from({ length: 60 }, (_, i) => [i / 10, Math.sin(i)]), Array.from({ length: 60 }, (_, i) => 3 * (i / 10) - Math.sin(i) + 100));

type Layers = { kernel: Float64Array; bias: Float64Array; rows: number; cols: number }[];

/** The layers of a saved model (plain numbers), read from its JSON as anyone would. */
function layersOf(saved: SavedModel): Layers {
  const out: Layers = [];
  for (let l = 1; ; l++) {
    const k = saved.weights.find((w) => w.name === `dense_${l}/kernel`);
    const b = saved.weights.find((w) => w.name === `dense_${l}/bias`);
    if (!k || !b) return out;
    out.push({ kernel: Float64Array.from(k.data as number[]), bias: Float64Array.from(b.data as number[]), rows: k.shape[0], cols: k.shape[1] });
  }
}

/**
 * The mean training loss of given weights, by hand (float64): a forward pass (relu hidden layers), then cross-entropy
 * of the softmax, or the squared error of the target standardised by `target` — what TrainOutcome.start.loss means.
 */
function lossByHand(layers: Layers, ds: Dataset, target?: { mean: number; std: number }): number {
  let total = 0;
  for (let i = 0; i < ds.n; i++) {
    let h = Array.from(ds.X.subarray(i * ds.d, (i + 1) * ds.d), Number);
    layers.forEach((L, l) => {
      const z = Array.from({ length: L.cols }, (_, j) => L.bias[j] + h.reduce((s, x, r) => s + x * L.kernel[r * L.cols + j], 0));
      h = l < layers.length - 1 ? z.map((v) => Math.max(0, v)) : z;
    });
    if (ds.shape.task === 'classification') {
      const m = Math.max(...h);
      const logSum = m + Math.log(h.reduce((s, v) => s + Math.exp(v - m), 0));
      total += logSum - h[ds.y[i]];
    } else {
      total += (h[0] - (ds.y[i] - target!.mean) / target!.std) ** 2;
    }
  }
  return total / ds.n;
}

const savedOf = (o: TrainOutcome) => o.model.toJSON({ encoding: 'array' });
const flat = (m: unknown) => (m as NetworkModel).values.flatMap((w) => [...w.kernel, ...w.bias]);

const cases: [string, ModelSpecInput, Dataset][] = [
  ['logistic regression', { algorithm: 'logistic', hyperparameters: { optimizer: 'adam', epochs: 6, batchSize: 10, learningRate: 0.1 } }, data],
  ['MLP classifier', { algorithm: 'mlp', hyperparameters: { units: [8, 4], epochs: 6, batchSize: 16, learningRate: 0.01 } }, data],
  ['MLP regressor', { algorithm: 'mlp', hyperparameters: { units: [6], epochs: 6, batchSize: 8, learningRate: 0.01 } }, reg],
];

describe.each(['tfjs', 'native'] as const)('warm start on the %s engine', (engine) => {
  it.each(cases)('a warm-started %s starts from the given weights: its starting loss is theirs, not a fresh init\'s', async (_, spec, ds) => {
    const first = await trainModel(spec, ds, { seed: 1, engine });
    const saved = savedOf(first);
    const given = lossByHand(layersOf(saved), ds, saved.target);
    const warm = await trainModel(spec, ds, { seed: 2, engine, initial: first.model });
    const fresh = await trainModel(spec, ds, { seed: 2, engine });
    expect(warm.engine).toBe(engine);
    expect(warm.start?.epoch).toBe(0);
    expect(Math.abs(warm.start!.loss - given)).toBeLessThan(1e-5);
    // A fresh run starts from the seeded init (its loss by hand too), well away from the trained weights' loss.
    const arch = architecture(parseSpec(spec) as never, ds.shape);
    const init = initialWeights(arch, seeded(2)).map((w, l) => ({ kernel: Float64Array.from(w.kernel), bias: Float64Array.from(w.bias), rows: arch.sizes[l], cols: arch.sizes[l + 1] }));
    const target = ds.shape.task === 'regression' ? (fresh.model.toJSON().target ?? undefined) : undefined;
    expect(Math.abs(fresh.start!.loss - lossByHand(init, ds, target))).toBeLessThan(1e-5);
    expect(Math.abs(warm.start!.loss - fresh.start!.loss)).toBeGreaterThan(0.05);
    // It goes on from there: its first epoch is about as good as the given weights, better than a fresh first epoch.
    expect(warm.history[0].loss).toBeLessThan(fresh.history[0].loss);
    for (const o of [first, warm, fresh]) o.model.dispose();
  });

  it('takes the weights as a model, its saved JSON or that JSON as text, alike', async () => {
    const spec = cases[1][1];
    const first = await trainModel(spec, data, { seed: 1, engine });
    const runs = [];
    for (const initial of [first.model, first.model.toJSON(), JSON.stringify(first.model.toJSON())]) runs.push(await trainModel(spec, data, { seed: 5, engine, initial, validation: val }));
    expect(flat(runs[1].model)).toEqual(flat(runs[0].model));
    expect(flat(runs[2].model)).toEqual(flat(runs[0].model));
    expect(runs[0].start!.valLoss).toBeGreaterThan(0);
    for (const o of [first, ...runs]) o.model.dispose();
  });

  it('is the same seeded loop: starting from the seed\'s own init weights gives the cold run exactly, and a warm run is reproducible', async () => {
    const spec = { algorithm: 'mlp', hyperparameters: { units: [8], dropout: 0.2, epochs: 5, batchSize: 16, learningRate: 0.01 } } as const;
    const cold = await trainModel(spec, data, { seed: 3, engine, validation: val });
    const arch = architecture(parseSpec(spec) as never, data.shape);
    const init = initialWeights(arch, seeded(3));
    const saved: SavedModel = {
      format: 'enclave-model', version: 1, spec: parseSpec(spec), shape: data.shape, seed: 3,
      weights: init.flatMap((w, l) => [
        { name: `dense_${l + 1}/kernel`, shape: [arch.sizes[l], arch.sizes[l + 1]], data: Array.from(w.kernel) },
        { name: `dense_${l + 1}/bias`, shape: [arch.sizes[l + 1]], data: Array.from(w.bias) },
      ]),
    };
    const warm = await trainModel(spec, data, { seed: 3, engine, validation: val, initial: saved });
    expect(flat(warm.model)).toEqual(flat(cold.model));
    expect(warm.history).toEqual(cold.history);
    const again = await trainModel(spec, data, { seed: 3, engine, validation: val, initial: cold.model });
    const again2 = await trainModel(spec, data, { seed: 3, engine, validation: val, initial: cold.model });
    expect(flat(again2.model)).toEqual(flat(again.model));
    for (const o of [cold, warm, again, again2]) o.model.dispose();
  });
});

describe('warm start refusals', () => {
  const mlp = (units: number[]) => ({ algorithm: 'mlp', hyperparameters: { units, epochs: 1 } });
  let trained: TrainOutcome;
  beforeAll(async () => {
    trained = await trainModel(mlp([8, 4]), data, { seed: 1 });
  });

  it('refuses weights whose hidden layers differ, naming both shapes', async () => {
    const e = await fails(trainModel(mlp([8]), data, { initial: trained.model }));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toMatch(/hidden layers \[8, 4\].*\[8\]/);
  });

  it('refuses weights of another algorithm', async () => {
    const e = await fails(trainModel({ algorithm: 'logistic' }, data, { initial: trained.model }));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toMatch(/MLP.*logistic regression/);
  });

  it('refuses weights trained on other features, naming the first that differs', async () => {
    const other: Dataset = { ...data, shape: { ...data.shape, features: ['x0', 'age', 'x2'] } };
    const e = await fails(trainModel(mlp([8, 4]), other, { initial: trained.model }));
    expect(e.message).toMatch(/feature 2 is "x1" there and "age" here/);
    const fewer = datasetOf([[0, 1], [1, 0], [1, 1]], [0, 1, 2], ['c0', 'c1', 'c2']);
    expect((await fails(trainModel(mlp([8, 4]), fewer, { initial: trained.model }))).message).toMatch(/3 features.*2/);
  });

  it('refuses weights for other classes', async () => {
    const two = blobs([[-1, 0, 0], [1, 0.5, 0]], 10, 0.8, 3);
    expect((await fails(trainModel(mlp([8, 4]), two, { initial: trained.model }))).message).toMatch(/3 classes.*2/);
    expect((await fails(trainModel(mlp([8, 4]), reg, { initial: trained.model }))).message).toMatch(/classif.*regression/);
  });

  it('refuses a warm start for kNN, linear regression and ensembles, saying why', async () => {
    expect((await fails(trainModel({ algorithm: 'knn' }, data, { initial: trained.model }))).message).toMatch(/k-nearest neighbours.*no weights to start from/);
    const lin = await trainModel({ algorithm: 'linear' }, reg);
    expect((await fails(trainModel({ algorithm: 'linear' }, reg, { initial: lin.model }))).message).toMatch(/closed form/);
    expect((await fails(trainModel({ algorithm: 'ensemble', hyperparameters: { members: [mlp([8, 4])] } }, data, { initial: trained.model }))).message).toMatch(/ensemble/);
    lin.model.dispose();
  });

  it('refuses what is not a saved model', async () => {
    const e = await fails(trainModel(mlp([8, 4]), data, { initial: '{"format":"nope"}' as never }));
    expect(e.code).toBe('invalid-argument');
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { trainModel, type EpochLog } from '../../src/lib/ml/train.ts';
import { NetworkModel } from '../../src/lib/ml/models/network.ts';
import { scoreModel } from '../../src/lib/ml/models/score.ts';
import { blobs, datasetOf } from './ml-fixtures.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = blobs([[-1, 0, 0], [1, 0.5, 0], [0, 1, 1]], 30, 0.8, 11);
const val = blobs([[-1, 0, 0], [1, 0.5, 0], [0, 1, 1]], 10, 0.8, 12);
const mlp = { algorithm: 'mlp', hyperparameters: { units: [16, 8], dropout: 0.2, epochs: 15, batchSize: 16, learningRate: 0.01 } } as const;

async function cancelled(p: Promise<unknown>): Promise<EnclaveError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(EnclaveError);
  expect((e as EnclaveError).code).toBe('cancelled');
  return e as EnclaveError;
}

describe('the training loop', () => {
  it('is deterministic: the same seed gives the same history and weights, another seed different weights', async () => {
    const run = async (seed: number) => {
      const logs: EpochLog[] = [];
      const { model, history } = await trainModel(mlp, data, { seed, validation: val, onEpoch: (l) => logs.push(l) });
      const json = model.toJSON();
      model.dispose();
      expect(logs).toEqual(history);
      return { history, weights: json.weights };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    expect(c.weights).not.toEqual(a.weights);
    expect(a.history).toHaveLength(15);
    expect(a.history[0]).toEqual({ epoch: 1, loss: expect.any(Number), metric: expect.any(Number), valLoss: expect.any(Number), valMetric: expect.any(Number) });
    // It learns: the loss falls and accuracy beats chance.
    expect(a.history[14].loss).toBeLessThan(a.history[0].loss);
    expect(a.history[14].valMetric).toBeGreaterThan(0.6);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const { model } = await trainModel(mlp, data, { validation: val });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops early on the validation loss and restores the best weights', async () => {
    // Random labels: anything learned is noise, so the validation loss soon rises.
    const rng = seeded(3);
    const rows = (n: number) => Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
    const labels = (n: number) => Array.from({ length: n }, () => rng.int(2));
    const train = datasetOf(rows(40), labels(40), ['a', 'b']);
    const check = datasetOf(rows(40), labels(40), ['a', 'b']);
    const spec = { algorithm: 'mlp', hyperparameters: { units: [64, 64], epochs: 300, patience: 5, learningRate: 0.02, batchSize: 8, l2: 0 } } as const;
    const { model, history, bestEpoch, stoppedEarly, epochs } = await trainModel(spec, train, { validation: check, seed: 1 });
    expect(stoppedEarly).toBe(true);
    expect(epochs).toBe(bestEpoch! + 5);
    expect(history).toHaveLength(epochs);
    const best = history[bestEpoch! - 1];
    expect(best.valLoss).toBe(Math.min(...history.map((h) => h.valLoss!)));
    expect(history[history.length - 1].valLoss).toBeGreaterThan(best.valLoss!);
    // The model kept is the best epoch's: its validation cross-entropy is that epoch's.
    const p = await model.predict(check.X);
    let ce = 0;
    for (let i = 0; i < check.n; i++) ce -= Math.log(p[i * 2 + check.y[i]]);
    expect(ce / check.n).toBeCloseTo(best.valLoss!, 4);
    model.dispose();
  });

  it('cancels between batches: from a callback, and from a timer while it runs', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    await cancelled(trainModel(mlp, data, { signal: ac.signal, onEpoch: (l) => l.epoch === 3 && ac.abort() }));
    // A timer fires while training runs: the loop yields to the event loop between epochs.
    const ac2 = new AbortController();
    const logs: EpochLog[] = [];
    setTimeout(() => ac2.abort(), 50);
    await cancelled(trainModel({ ...mlp, hyperparameters: { ...mlp.hyperparameters, epochs: 100000 } }, data, { signal: ac2.signal, onEpoch: (l) => logs.push(l) }));
    expect(logs.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    await cancelled(trainModel({ algorithm: 'knn' }, data, { signal: AbortSignal.abort() }));
  });

  it('learns a regression target in its own units (standardised inside), and weights classes when asked', async () => {
    const rng = seeded(8);
    const rows = Array.from({ length: 80 }, () => [rng.normal(), rng.normal()]);
    const y = rows.map(([a, b]) => 1000 + 300 * a - 200 * b);
    const { model, history } = await trainModel({ algorithm: 'mlp', hyperparameters: { units: [16], epochs: 150, learningRate: 0.01 } }, datasetOf(rows, y), { seed: 2 });
    expect(history[history.length - 1].metric).toBeLessThan(40); // RMSE in the target's units (its std is ~360)
    const p = await model.predict(Float32Array.of(0, 0));
    expect(Math.abs(p[0] - 1000)).toBeLessThan(60);
    model.dispose();
    // 90 / 10 imbalance: balanced weights raise the minority class's share of predictions.
    const imbalanced = blobs([[0, 0], [0.6, 0.6]], 50, 1, 4);
    const keep = Array.from({ length: 100 }, (_, i) => i < 50 || i >= 95);
    const sub = datasetOf(Array.from({ length: 100 }, (_, i) => [imbalanced.X[2 * i], imbalanced.X[2 * i + 1]]).filter((_, i) => keep[i]), [...imbalanced.y].filter((_, i) => keep[i]), ['big', 'small']);
    const share = async (classWeight: 'none' | 'balanced') => {
      const { model: m } = await trainModel({ algorithm: 'logistic', hyperparameters: { classWeight, epochs: 60, learningRate: 0.05 } }, sub, { seed: 1 });
      const probs = await m.predict(sub.X);
      m.dispose();
      let small = 0;
      for (let i = 0; i < sub.n; i++) if (probs[2 * i + 1] > probs[2 * i]) small++;
      return small;
    };
    expect(await share('balanced')).toBeGreaterThan(await share('none'));
  });

  it('refuses an algorithm that does not fit the task', async () => {
    await expect(trainModel({ algorithm: 'linear' }, data)).rejects.toThrow(/Linear regression predicts numbers; this target is a classification task/);
    await expect(trainModel({ algorithm: 'logistic' }, datasetOf([[1], [2]], [1, 2]))).rejects.toThrow(/Logistic regression predicts classes/);
  });
});

/**
 * A regression that plain SGD at 0.01 cannot follow: features with a standard deviation of 10 (not scaled), so the
 * first epoch ends finite (validation loss ~1e6) and the second overflows. Early stopping had a "best" epoch to go back
 * to, and the run came back as a trained model.
 */
function divergent() {
  const rng = seeded(8);
  const rows = Array.from({ length: 80 }, () => [10 * rng.normal(), 10 * rng.normal()]);
  const y = rows.map(([a, b]) => 3 * a - 2 * b + rng.normal());
  return { train: datasetOf(rows.slice(0, 60), y.slice(0, 60)), validation: datasetOf(rows.slice(60), y.slice(60)) };
}
const sgd = { algorithm: 'mlp', hyperparameters: { units: [8], optimizer: 'sgd', learningRate: 0.01, epochs: 200, batchSize: 16, patience: 1000 } } as const;

describe('non-finite training', () => {
  it('a loss that becomes non-finite after a finite epoch stops training with a clear error naming the epoch and backend, never a model', async () => {
    const { train, validation } = divergent();
    const before = tf.memory().numTensors;
    const logs: EpochLog[] = [];
    const err = await trainModel(sgd, train, { validation, seed: 1, engine: 'tfjs', onEpoch: (l) => logs.push(l) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect((err as EnclaveError).code).toBe('non-finite');
    expect((err as EnclaveError).message).toMatch(/^Training on CPU produced non-finite values at epoch 2 \(the (training|validation) loss became (NaN|Infinity)\): the mlp diverged\. Lower the learning rate \(now 0\.01\) or scale the features/);
    expect((err as EnclaveError).detail).toMatchObject({ algorithm: 'mlp', epoch: 2, backend: 'cpu', engine: 'tfjs', learningRate: 0.01 });
    expect(logs.map((l) => l.epoch)).toEqual([1]); // epoch 1 was finite and reported; the non-finite epoch is not
    expect(Number.isFinite(logs[0].valLoss)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // The same network on standardised features trains.
    const scale = (d: typeof train) => ({ ...d, X: d.X.map((x) => x / 10) });
    const ok = await trainModel({ ...sgd, hyperparameters: { ...sgd.hyperparameters, epochs: 20 } }, scale(train), { validation: scale(validation), seed: 1, engine: 'tfjs' });
    expect(ok.history).toHaveLength(20);
    ok.model.dispose();
  });

  it('a divergent learning rate without a validation split fails at its first non-finite epoch too', async () => {
    const { train } = divergent();
    const hp = { ...sgd.hyperparameters, learningRate: 1 };
    await expect(trainModel({ ...sgd, hyperparameters: hp }, train, { seed: 1, engine: 'tfjs' })).rejects.toMatchObject({ code: 'non-finite', detail: { epoch: 1, backend: 'cpu' } });
  });

  it('scoring refuses a model whose predictions are non-finite, naming the first row', async () => {
    const data = datasetOf([[1, 2], [3, 4], [5, 6]], [1, 2, 3]);
    const model = new NetworkModel({ algorithm: 'linear', hyperparameters: { l2: 1e-8 } } as never, data.shape, 1, [{ kernel: Float32Array.of(1, 0), bias: Float32Array.of(0) }]);
    expect(await scoreModel(model, data)).toMatchObject({ rmse: expect.any(Number) });
    model.dispose();
    const broken = new NetworkModel({ algorithm: 'linear', hyperparameters: { l2: 1e-8 } } as never, data.shape, 1, [{ kernel: Float32Array.of(1, NaN), bias: Float32Array.of(0) }]);
    await expect(scoreModel(broken, data)).rejects.toMatchObject({ code: 'non-finite', message: expect.stringMatching(/^The trained linear predicts non-finite values \(row 1 of 3 is the first\)/) });
    broken.dispose();
  });

  it('refuses a feature or target beyond 32-bit floats (Infinity to the model), naming the column and row, for every algorithm', async () => {
    // 1e39 is a finite double in the table and Infinity as float32: kNN distances and the normal equations turn NaN.
    const rows = [[1, 2], [2, 1], [1e39, 3], [3, 3], [4, 1], [5, 2]];
    const specs = [{ algorithm: 'knn', hyperparameters: { k: 1 } }, { algorithm: 'linear' }, { algorithm: 'mlp', hyperparameters: { units: [4], epochs: 2 } }] as const;
    for (const spec of specs)
      await expect(trainModel(spec, datasetOf(rows, [1, 2, 3, 4, 5, 6]))).rejects.toMatchObject({
        code: 'invalid-argument',
        message: 'Feature "x0" holds a value beyond 32-bit floats (±3.4e38) in the training rows (row 3): scale it (a standardise or min-max step in the recipe) or drop it.',
      });
    const fine = datasetOf([[1, 2], [2, 1], [3, 3]], [1, 2, 3]);
    await expect(trainModel({ algorithm: 'linear' }, fine, { validation: datasetOf([[1, 2]], [-1e39]) })).rejects.toMatchObject({ message: expect.stringMatching(/^The target holds a value beyond 32-bit floats \(±3\.4e38\) in the validation rows \(row 1\)/) });
  });
});

describe('seeds', () => {
  it('training refuses a seed outside 0 … 2³² − 1 (4294967338 would repeat seed 42), and takes both ends of the range', async () => {
    for (const seed of [4294967338, -1, 1.5, NaN])
      await expect(trainModel({ algorithm: 'knn', hyperparameters: { k: 1 } }, data, { seed })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/^The seed must be a whole number from 0 to 4294967295; got /) });
    for (const seed of [0, 4294967295]) {
      const { model } = await trainModel({ algorithm: 'logistic', hyperparameters: { epochs: 1 } }, data, { seed });
      expect(model.seed).toBe(seed);
      model.dispose();
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { KnnModel } from '../../src/lib/ml/models/knn.ts';
import { parseSpec } from '../../src/lib/ml/models/spec.ts';
import { balancedWeights, modelFromJSON, trainModel } from '../../src/lib/ml/train.ts';
import { accuracyOf, blobs, datasetOf } from './ml-fixtures.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

function specError(input: unknown): EnclaveError {
  try {
    parseSpec(input);
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    expect((e as EnclaveError).code).toBe('invalid-argument');
    return e as EnclaveError;
  }
  throw new Error('expected the spec to be rejected');
}

describe('model specs', () => {
  it('fill defaults and stay plain JSON', () => {
    const s = parseSpec({ algorithm: 'mlp' });
    expect(s).toEqual({
      algorithm: 'mlp',
      hyperparameters: { units: [64, 32], activation: 'relu', dropout: 0, l2: 1e-4, optimizer: 'adam', learningRate: 1e-3, batchSize: 32, epochs: 200, patience: 20, classWeight: 'none' },
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(parseSpec(JSON.stringify({ algorithm: 'knn', hyperparameters: { k: 3 } }))).toEqual({ algorithm: 'knn', hyperparameters: { k: 3, distance: 'euclidean' } });
  });

  it('reject bad hyperparameters naming them and their allowed range', () => {
    expect(specError({ algorithm: 'mlp', hyperparameters: { learningRate: -0.1 } }).message).toBe('mlp: learningRate must be a number > 0 and ≤ 10 (got -0.1).');
    expect(specError({ algorithm: 'mlp', hyperparameters: { units: [64, 0] } }).message).toBe('mlp: units must be an integer ≥ 1 and ≤ 4096 (got 0).');
    expect(specError({ algorithm: 'mlp', hyperparameters: { dropout: 1 } }).message).toContain('dropout must be a number ≥ 0 and < 1 (got 1)');
    expect(specError({ algorithm: 'mlp', hyperparameters: { batchSize: 2.5 } }).message).toContain('batchSize must be an integer ≥ 1');
    expect(specError({ algorithm: 'mlp', hyperparameters: { activation: 'gelu' } }).message).toContain('activation must be one of relu, tanh, sigmoid (got "gelu")');
    expect(specError({ algorithm: 'logistic', hyperparameters: { epochs: 0 } }).message).toContain('epochs must be an integer ≥ 1');
    expect(specError({ algorithm: 'logistic', hyperparameters: { l2: -1 } }).detail).toMatchObject({ algorithm: 'logistic', hyperparameter: 'l2' });
    expect(specError({ algorithm: 'knn', hyperparameters: { k: 0 } }).message).toContain('k must be an integer ≥ 1');
    expect(specError({ algorithm: 'knn', hyperparameters: { distance: 'manhattan' } }).message).toContain('distance must be one of euclidean');
    expect(specError({ algorithm: 'mlp', hyperparameters: { learning_rate: 0.1 } }).message).toMatch(/unknown hyperparameter "learning_rate" \(known: units, .*learningRate/);
    expect(specError({ algorithm: 'forest' }).message).toContain('Unknown algorithm "forest"');
    expect(specError({ algorithm: 'mlp', hyperparameters: { learningRate: '0.1' } }).message).toContain('learningRate must be a number');
  });
});

describe('k-nearest neighbours', () => {
  it('votes among the k nearest (squared distances as matrix products) and averages for regression', async () => {
    // Class 0 around x = 0, class 1 around x = 10, one class-1 outlier at x = 1.
    const train = datasetOf([[0, 0], [0.5, 0], [0, 0.5], [1, 0], [10, 10], [10.5, 10], [10, 10.5]], [0, 0, 0, 1, 1, 1, 1], ['a', 'b']);
    const m1 = KnnModel.fit(train, { k: 1, distance: 'euclidean' }, 0);
    // (1.1, 0) is nearest the outlier (class b) with k = 1, but the vote of 3 says a.
    expect([...(await m1.predict(Float32Array.of(1.1, 0, 9, 9)))]).toEqual([0, 1, 0, 1]);
    const m3 = KnnModel.fit(train, { k: 3, distance: 'euclidean' }, 0);
    const p = await m3.predict(Float32Array.of(1.1, 0, 9, 9));
    expect([...p].map((x) => +x.toFixed(6))).toEqual([0.666667, 0.333333, 0, 1]);
    const reg = KnnModel.fit(datasetOf([[0], [1], [2], [10]], [0, 10, 20, 100]), { k: 2, distance: 'euclidean' }, 0);
    expect([...(await reg.predict(Float32Array.of(0.4, 9)))]).toEqual([5, 60]);
    for (const m of [m1, m3, reg]) m.dispose();
  });

  it('refuses k above the training rows', () => {
    const train = datasetOf([[0], [1]], [0, 1], ['a', 'b']);
    expect(() => KnnModel.fit(train, { k: 3, distance: 'euclidean' }, 0)).toThrow(/k must be at most the number of training rows \(2\); got 3/);
  });
});

describe('linear and logistic regression', () => {
  it('linear regression is exact on a noiseless plane (closed form)', async () => {
    const rows = [[1, 2], [2, 0], [3, 5], [-1, 4], [0, 0], [2, 2]];
    const y = rows.map(([a, b]) => 2 * a - 3 * b + 1);
    const { model, epochs } = await trainModel({ algorithm: 'linear' }, datasetOf(rows, y));
    expect(epochs).toBe(0);
    const p = await model.predict(Float32Array.of(10, 1, -2, -2));
    expect(p[0]).toBeCloseTo(18, 3);
    expect(p[1]).toBeCloseTo(3, 3);
    model.dispose();
  });

  it('logistic regression separates separable classes (binary and multinomial) perfectly', async () => {
    const binary = blobs([[-2, -2], [2, 2]], 30, 0.5, 1);
    const three = blobs([[-3, 0], [3, 0], [0, 4]], 25, 0.6, 2);
    for (const ds of [binary, three]) {
      const { model } = await trainModel({ algorithm: 'logistic', hyperparameters: { epochs: 100, learningRate: 0.1 } }, ds, { seed: 3 });
      const k = ds.shape.classNames!.length;
      expect(accuracyOf(ds.y, await model.predict(ds.X), k)).toBe(1);
      model.dispose();
    }
  });

  it("'balanced' class weights are n / (classes · count), as scikit-learn", () => {
    expect([...balancedWeights(Int32Array.of(0, 0, 0, 1), 2)]).toEqual([Math.fround(4 / 6), 2]);
  });
});

describe('save and load', () => {
  it('every algorithm round-trips through JSON (base64 and arrays) and predicts identically', async () => {
    const cls = blobs([[-1, 0], [1, 0], [0, 1.5]], 20, 0.7, 4);
    const reg = datasetOf([[0, 1], [1, 0], [2, 2], [3, 1], [4, 0], [5, 3]], [1, 2, 5, 4, 4, 9]);
    const cases = [
      [{ algorithm: 'logistic', hyperparameters: { epochs: 5 } }, cls],
      [{ algorithm: 'mlp', hyperparameters: { units: [8, 4], epochs: 5, dropout: 0.2 } }, cls],
      [{ algorithm: 'mlp', hyperparameters: { units: [6], activation: 'tanh', epochs: 5 } }, reg],
      [{ algorithm: 'knn', hyperparameters: { k: 3 } }, cls],
      [{ algorithm: 'linear' }, reg],
    ] as const;
    for (const [spec, ds] of cases) {
      const { model } = await trainModel(spec, ds, { seed: 9 });
      const before = await model.predict(ds.X);
      for (const encoding of ['base64', 'array'] as const) {
        const json = JSON.stringify(model.toJSON({ encoding }));
        const loaded = modelFromJSON(JSON.parse(json));
        expect(loaded.spec).toEqual(model.spec);
        expect(loaded.shape).toEqual(model.shape);
        expect(await loaded.predict(ds.X)).toEqual(before);
        loaded.dispose();
      }
      model.dispose();
    }
  });

  it('rejects a saved model with a wrong weight shape or a bad spec', async () => {
    const ds = blobs([[-1, 0], [1, 0]], 5, 0.5, 5);
    const { model } = await trainModel({ algorithm: 'logistic', hyperparameters: { epochs: 1 } }, ds);
    const saved = model.toJSON({ encoding: 'array' });
    model.dispose();
    const badShape = { ...saved, weights: saved.weights.map((w, i) => (i === 0 ? { ...w, shape: [3, 2] } : w)) };
    expect(() => modelFromJSON(badShape)).toThrow(/dense_1\/kernel/);
    expect(() => modelFromJSON({ ...saved, spec: { algorithm: 'mlp', hyperparameters: { units: [0] } } })).toThrow(/units must be/);
    expect(() => modelFromJSON({ hello: 1 })).toThrow(/not a saved Enclave model/);
  });
});

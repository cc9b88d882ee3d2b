import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoCandidates, autoTrain } from '../../src/lib/ml/auto.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { modelFromJSON } from '../../src/lib/ml/train.ts';
import { evaluateCandidates, gridSearch, gridSpecs, randomSpecs, successiveHalving, type TuneProgress } from '../../src/lib/ml/tune.ts';
import { blobs, datasetOf } from './ml-fixtures.ts';
import { seeded } from '../../src/lib/core/random.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const centres = [[-1.5, 0], [1.5, 0], [0, 1.5]];
const train = blobs(centres, 20, 0.6, 21);
const val = blobs(centres, 8, 0.6, 22);

describe('search spaces', () => {
  it('a grid is every combination, validated; random draws are seeded and within range', () => {
    const specs = gridSpecs({ algorithm: 'mlp', hyperparameters: { epochs: 3 } }, { units: [[8], [16, 8]], learningRate: [0.01, 0.001] });
    expect(specs.map((s) => { const h = s.hyperparameters as { units: number[]; learningRate: number; epochs: number }; return [h.units, h.learningRate, h.epochs]; })).toEqual([
      [[8], 0.01, 3], [[8], 0.001, 3], [[16, 8], 0.01, 3], [[16, 8], 0.001, 3],
    ]);
    expect(() => gridSpecs({ algorithm: 'knn' }, { k: [3, -1] })).toThrow(/k must be an integer ≥ 1/);
    const space = { learningRate: { min: 1e-4, max: 1e-1, log: true }, units: [[8], [16]], batchSize: { min: 8, max: 64, integer: true } };
    const a = randomSpecs({ algorithm: 'mlp' }, space, 6, 7);
    expect(randomSpecs({ algorithm: 'mlp' }, space, 6, 7)).toEqual(a);
    expect(randomSpecs({ algorithm: 'mlp' }, space, 6, 8)).not.toEqual(a);
    // 4294967338 would draw the same candidates as 42 (the PRNG reads seeds modulo 2³²): refused.
    expect(() => randomSpecs({ algorithm: 'mlp' }, space, 6, 4294967338)).toThrow('The seed must be a whole number from 0 to 4294967295; got 4294967338.');
    for (const s of a) {
      const h = s.hyperparameters as { learningRate: number; batchSize: number };
      expect(h.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(h.learningRate).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(h.batchSize)).toBe(true);
    }
  });
});

describe('tuning', () => {
  it('grid search scores every trial on validation, reports progress, keeps only the best model', async () => {
    const before = tf.memory().numTensors;
    const progress: TuneProgress[] = [];
    const r = await gridSearch({ algorithm: 'knn' }, { k: [1, 3, 5] }, train, val, { onTrial: (p) => progress.push(p) });
    expect(r.trials).toHaveLength(3);
    expect(progress.map((p) => [p.done, p.total])).toEqual([[1, 3], [2, 3], [3, 3]]);
    const top = Math.max(...r.trials.map((t) => t.score));
    expect(r.best.score).toBe(top);
    expect(r.best.trial).toBe(r.trials.findIndex((t) => t.score === top)); // ties: the earlier trial
    expect(r.model.spec).toEqual(r.best.spec);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failing candidate is a failed trial, not a failed search', async () => {
    const r = await evaluateCandidates([{ algorithm: 'knn', hyperparameters: { k: 500 } }, { algorithm: 'knn', hyperparameters: { k: 3 } }], train, val);
    expect(r.trials[0]).toMatchObject({ score: -Infinity, error: expect.stringContaining('k must be at most') });
    expect(r.best.trial).toBe(1);
    r.model.dispose();
  });

  it('successive halving gives the survivors more epochs, and returns a fully trained model', async () => {
    const specs = gridSpecs({ algorithm: 'mlp', hyperparameters: { epochs: 9, batchSize: 30 } }, { units: [[4], [8], [16]], learningRate: [0.001, 0.03, 0.1] });
    const r = await successiveHalving(specs, train, val, { minEpochs: 1, eta: 3, seed: 1 });
    const rungs = [0, 1, 2].map((k) => r.trials.filter((t) => t.rung === k));
    expect(rungs.map((x) => x.length)).toEqual([9, 3, 1]);
    expect(rungs.map((x) => x[0].spec.hyperparameters)).toMatchObject([{ epochs: 1 }, { epochs: 3 }, { epochs: 9 }]);
    // The survivors of each rung are the best of the one before.
    const best3 = [...rungs[0]].sort((a, b) => b.score - a.score).slice(0, 3).map((t) => JSON.stringify((t.spec.hyperparameters as { units: number[] }).units) + (t.spec.hyperparameters as { learningRate: number }).learningRate);
    expect(rungs[1].map((t) => JSON.stringify((t.spec.hyperparameters as { units: number[] }).units) + (t.spec.hyperparameters as { learningRate: number }).learningRate).sort()).toEqual(best3.sort());
    expect(r.best.rung).toBe(2);
    r.model.dispose();
  });

  it('auto tries a simple model, MLPs and kNN, and averages the best three on validation', async () => {
    expect(autoCandidates('classification', 300).map((c) => c.algorithm)).toEqual(['logistic', 'mlp', 'mlp', 'mlp', 'knn', 'knn']);
    expect(autoCandidates('regression', 30).map((c) => c.algorithm)).toEqual(['linear', 'mlp', 'mlp', 'mlp', 'knn']);
    const before = tf.memory().numTensors;
    // The real candidates train for hundreds of epochs: here, quicker ones through the same scoring and ensembling.
    const candidates = [
      { algorithm: 'logistic', hyperparameters: { epochs: 30 } },
      { algorithm: 'mlp', hyperparameters: { units: [8], epochs: 30, learningRate: 0.01 } },
      { algorithm: 'mlp', hyperparameters: { units: [16, 8], epochs: 30, learningRate: 0.01 } },
      { algorithm: 'knn', hyperparameters: { k: 1 } },
      { algorithm: 'knn', hyperparameters: { k: 5 } },
    ];
    const r = await autoTrain(train, val, { seed: 3, candidates });
    expect(r.trials.length).toBe(5);
    const ranked = [...r.trials].sort((a, b) => b.score - a.score || a.trial - b.trial);
    expect(r.members.map((m) => m.trial)).toEqual(ranked.slice(0, 3).map((t) => t.trial));
    expect(r.model.spec).toEqual({ algorithm: 'ensemble', hyperparameters: { members: r.members.map((m) => m.spec) } });
    expect(r.outcome.model).toBe(r.model);
    // The ensemble predicts the mean of its members; saved and loaded, it predicts the same.
    const p = await r.model.predict(val.X);
    expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-5);
    const loaded = modelFromJSON(JSON.parse(JSON.stringify(r.model.toJSON())));
    expect(await loaded.predict(val.X)).toEqual(p);
    loaded.dispose();
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('non-finite candidates', () => {
  // Features with a standard deviation of 10 and plain SGD at 0.01: the MLP's loss overflows at epoch 2 (finite at 1).
  const rng = seeded(8);
  const rows = Array.from({ length: 80 }, () => [10 * rng.normal(), 10 * rng.normal()]);
  const y = rows.map(([a, b]) => 3 * a - 2 * b + rng.normal());
  const reg = datasetOf(rows.slice(0, 60), y.slice(0, 60));
  const regVal = datasetOf(rows.slice(60), y.slice(60));
  const divergent = { algorithm: 'mlp', hyperparameters: { units: [8], optimizer: 'sgd', learningRate: 0.01, epochs: 50, batchSize: 16, patience: 100 } } as const;

  it('a candidate whose training goes non-finite is a failed trial with the reason, and never wins', async () => {
    const before = tf.memory().numTensors;
    const r = await evaluateCandidates([divergent, { algorithm: 'linear' }], reg, regVal, { seed: 1, keep: 2 });
    expect(r.trials[0]).toMatchObject({ score: -Infinity, epochs: 0, error: expect.stringMatching(/^Training on CPU produced non-finite values at epoch 2/) });
    expect(r.trials[1].error).toBeUndefined();
    expect(r.best.trial).toBe(1);
    expect(r.kept.map((k) => k.result.trial)).toEqual([1]);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('auto never puts a non-finite candidate in its ensemble', async () => {
    const r = await autoTrain(reg, regVal, { seed: 1, candidates: [divergent, { algorithm: 'linear' }, { algorithm: 'knn', hyperparameters: { k: 3 } }] });
    expect(r.trials[0].error).toMatch(/non-finite/);
    expect(r.members.map((m) => m.spec.algorithm)).toEqual(['linear', 'knn']);
    r.model.dispose();
  });

  it('when every candidate goes non-finite, the search fails as non-finite (so the job can restart on another backend)', async () => {
    const err = await evaluateCandidates([divergent, { ...divergent, hyperparameters: { ...divergent.hyperparameters, units: [4] } }], reg, regVal, { seed: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'non-finite', message: expect.stringMatching(/^Every candidate failed: mlp: Training on CPU produced non-finite values/) });
    const halving = await successiveHalving([divergent], reg, regVal, { seed: 1, minEpochs: 5 }).catch((e: unknown) => e);
    expect(halving).toMatchObject({ code: 'non-finite' });
  });
});

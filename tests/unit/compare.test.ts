/**
 * compareModels: two model versions scored on the same labelled batch. Hand-written saved kNN models (k = 1, one
 * feature x) whose every prediction is known, so the expected accuracies, McNemar counts and RMSEs are worked out
 * here by hand from the rows; and two logistic regressions trained by the headless pipeline on penguins.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { loadModel } from '../../src/lib/ml/models/ensemble.ts';
import { parseSaved } from '../../src/lib/ml/models/saved.ts';
import { compareModels, type ComparedModel } from '../../src/lib/services/compare.ts';
import { trainPipeline } from '../../src/lib/services/pipeline.ts';
import { readFileTable } from './ml-fixtures.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A saved 1-nearest-neighbour model on feature x: training rows x → class code (classification) or value. */
function knn(x: number[], y: number[], classNames?: string[]): ComparedModel {
  const task = classNames ? 'classification' : 'regression';
  const saved = {
    format: 'enclave-model', version: 1, spec: { algorithm: 'knn', hyperparameters: { k: 1, distance: 'euclidean' } },
    shape: { task, features: ['x'], ...(classNames ? { classNames } : {}) }, seed: 1,
    weights: [{ name: 'train/X', shape: [x.length, 1], data: x }, { name: 'train/y', shape: [y.length], data: y }],
  };
  return {
    model: loadModel(parseSaved(saved)),
    card: { target: 'y', features: ['x'], task, ...(classNames ? { classNames } : {}), fitted: { target: 'y', steps: [] } },
  };
}

const right = knn([0, 10], [0, 1], ['a', 'b']); // x < 5 → a, x > 5 → b
const wrong = knn([0, 10], [1, 0], ['a', 'b']); // the opposite

/** x = 0..39 (x ≠ 5); the label is a below 5, b above; `labels` overrides some. */
function classBatch(n = 40, labels = new Map<number, string | null>()): Table {
  const xs = Array.from({ length: n }, (_, i) => (i === 5 ? 4.5 : i));
  return {
    rowCount: n,
    columns: [
      numericColumn('x', 'float', Float64Array.from(xs)),
      stringColumn('y', 'categorical', xs.map((x, i) => (labels.has(i) ? labels.get(i)! : x < 5 ? 'a' : 'b'))),
    ],
  };
}

describe('compareModels (classification)', () => {
  it('finds no difference between a model and itself: b = c = 0, p = 1, difference 0', async () => {
    const r = await compareModels(right, right, classBatch(), { target: 'y' });
    expect(r.metric).toBe('accuracy');
    expect(r.rows).toBe(40);
    expect(r.champion).toBe(1);
    expect(r.challenger).toBe(1);
    expect(r.mcnemar).toEqual({ b: 0, c: 0, statistic: 0, pValue: 1, exact: true });
    expect(r.difference).toEqual({ estimate: 0, ci95: [0, 0] });
    expect(r.verdict).toBe('no-difference');
    expect(r.verdictText).toMatch(/^No difference shown/);
  });

  it('says the good challenger is better than a bad champion, and a bad challenger worse than a good one', async () => {
    const up = await compareModels(wrong, right, classBatch(), { target: 'y' });
    // Every row: the good model right, the bad one wrong → b = 0, c = 40 → chi-square (|0 − 40| − 1)²/40 = 38.025.
    expect(up.champion).toBe(0);
    expect(up.challenger).toBe(1);
    expect(up.mcnemar).toMatchObject({ b: 0, c: 40, exact: false });
    expect(up.mcnemar!.statistic).toBeCloseTo(38.025, 12);
    expect(up.mcnemar!.pValue).toBeLessThan(1e-9);
    expect(up.difference).toEqual({ estimate: 1, ci95: [1, 1] });
    expect(up.verdict).toBe('better');
    expect(up.verdictText).toBe(
      "The challenger is better: accuracy 100.0% against the champion's 0.0% on 40 rows; McNemar's test p < 0.001: the challenger alone was right on 40 rows, the champion alone on 0 rows.",
    );
    const down = await compareModels(right, wrong, classBatch(), { target: 'y' });
    expect(down.mcnemar).toMatchObject({ b: 40, c: 0 });
    expect(down.verdict).toBe('worse');
    expect(down.difference.estimate).toBe(-1);
  });

  it('counts a label the model never saw as wrong, and leaves out (and counts) rows without a label', async () => {
    // Rows 0–2 labelled "c" (neither model knows it): both wrong there. Rows 3, 4 unlabelled. Rows 10–13 mislabelled
    // "a" (x > 5): the bad model is right there, the good one wrong. 38 rows compared: good right on 38 − 3 − 4 = 31,
    // bad right on 4; b (champion = good, alone right) = 31, c = 4.
    const labels = new Map<number, string | null>([[0, 'c'], [1, 'c'], [2, 'c'], [3, null], [4, null], [10, 'a'], [11, 'a'], [12, 'a'], [13, 'a']]);
    const r = await compareModels(right, wrong, classBatch(40, labels), { target: 'y' });
    expect(r.rows).toBe(38);
    expect(r.excluded).toEqual({ missingTarget: 2 });
    expect(r.champion).toBeCloseTo(31 / 38, 15);
    expect(r.challenger).toBeCloseTo(4 / 38, 15);
    expect(r.mcnemar).toMatchObject({ b: 31, c: 4, exact: false });
    expect(r.mcnemar!.statistic).toBeCloseTo((27 - 1) ** 2 / 35, 12);
    expect(r.difference.estimate).toBeCloseTo(-27 / 38, 15);
    expect(r.verdict).toBe('worse');
    expect(r.verdictText).toContain('on 38 rows (2 rows without a "y" value left out)');
  });

  it('finds no difference when the models disagree on few rows, evenly (b = c = 2: exact p = 1)', async () => {
    const early = knn([0, 2.2], [0, 1], ['a', 'b']); // x < 1.1 → a: disagrees with `right` on x = 2, 3, 4, 4.5 (rows 2–5)
    // Rows 2, 3 relabelled b: there `early` alone is right (c = 2); rows 4, 5 stay a: `right` alone is right (b = 2).
    const labels = new Map<number, string | null>([[2, 'b'], [3, 'b']]);
    const r = await compareModels(right, early, classBatch(40, labels), { target: 'y' });
    expect(r.mcnemar).toEqual({ b: 2, c: 2, statistic: 2, pValue: 1, exact: true }); // 2·P(X ≤ 2 | n = 4) = 22/16 → 1
    expect(r.champion).toBe(38 / 40);
    expect(r.challenger).toBe(38 / 40);
    expect(r.difference.estimate).toBe(0);
    expect(r.difference.ci95[0]).toBeLessThan(0);
    expect(r.difference.ci95[1]).toBeGreaterThan(0);
    expect(r.verdict).toBe('no-difference');
    expect(r.verdictText).toMatch(/^No difference shown: the challenger's accuracy 95\.0% against the champion's 95\.0% on 40 rows; McNemar's test p = 1\.000: .*, which is not below 0\.05\.$/);
  });

  it('refuses a batch without the target column, naming it', async () => {
    const batch: Table = { rowCount: 2, columns: [numericColumn('x', 'float', Float64Array.from([1, 9]))] };
    const err = await compareModels(right, wrong, batch, { target: 'y' }).catch((e) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect(err).toMatchObject({ code: 'invalid-argument', message: 'This batch has no "y" column: comparing models needs labelled rows.' });
  });

  it('refuses models of another target or of different tasks, and a batch whose labels are all missing', async () => {
    await expect(compareModels(right, wrong, classBatch(), { target: 'x' })).rejects.toMatchObject({ code: 'invalid-argument', message: /predicts "y", not "x"/ });
    await expect(compareModels(right, knn([0], [1]), classBatch(), { target: 'y' })).rejects.toMatchObject({ message: /classification model and the challenger a regression model/ });
    const none = classBatch(3, new Map([[0, null], [1, null], [2, null]]));
    await expect(compareModels(right, wrong, none, { target: 'y' })).rejects.toMatchObject({ code: 'invalid-argument', message: /Every "y" value in this batch is missing/ });
  });
});

describe('compareModels (regression)', () => {
  // Training rows x = 0..39 → 2x (exact) and 2x + 3 (biased). The batch: x = 0..39, y = 2x + N(0, 0.5²), seeded.
  const xs = Array.from({ length: 40 }, (_, i) => i);
  const exact = knn(xs, xs.map((x) => 2 * x));
  const biased = knn(xs, xs.map((x) => 2 * x + 3));
  const rng = seeded(5);
  const noise = xs.map(() => 0.5 * rng.normal());
  const batch: Table = {
    rowCount: 40,
    columns: [numericColumn('x', 'float', Float64Array.from(xs)), numericColumn('y', 'float', Float64Array.from(xs, (x, i) => 2 * x + noise[i]))],
  };
  // By hand: the exact model's errors are the noise, the biased one's the noise − 3.
  const rmseOf = (e: number[]) => Math.sqrt(e.reduce((s, v) => s + v * v, 0) / e.length);
  const rmseExact = rmseOf(noise), rmseBiased = rmseOf(noise.map((e) => e - 3));

  it('says the exact challenger is better than the biased champion: the RMSE difference interval lies below 0', async () => {
    const r = await compareModels(biased, exact, batch, { target: 'y' });
    expect(r.metric).toBe('rmse');
    expect(r.mcnemar).toBeUndefined();
    expect(r.rows).toBe(40);
    expect(r.champion).toBeCloseTo(rmseBiased, 5);
    expect(r.challenger).toBeCloseTo(rmseExact, 5);
    expect(r.difference.estimate).toBeCloseTo(rmseExact - rmseBiased, 5);
    expect(r.difference.ci95[1]).toBeLessThan(0);
    expect(r.difference.ci95[0]).toBeLessThanOrEqual(r.difference.estimate);
    expect(r.verdict).toBe('better');
    expect(r.verdictText).toMatch(/^The challenger is better: RMSE .* on 40 rows; the 95% interval of the difference is .*, below 0\.$/);
    expect((await compareModels(exact, biased, batch, { target: 'y' })).verdict).toBe('worse');
  });

  it('refuses a text target column for regression models, and stops when cancelled', async () => {
    const text: Table = { rowCount: 2, columns: [numericColumn('x', 'float', Float64Array.from([1, 2])), stringColumn('y', 'categorical', ['low', 'high'])] };
    await expect(compareModels(biased, exact, text, { target: 'y' })).rejects.toMatchObject({ code: 'invalid-target', message: /holds categorical values/ });
    const controller = new AbortController();
    controller.abort();
    await expect(compareModels(biased, exact, batch, { target: 'y', signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('finds no difference between a model and itself (interval [0, 0])', async () => {
    const r = await compareModels(exact, exact, batch, { target: 'y' });
    expect(r.difference).toEqual({ estimate: 0, ci95: [0, 0] });
    expect(r.verdict).toBe('no-difference');
  });

  it('is deterministic per seed, and leaves out rows without a target value', async () => {
    const a = await compareModels(biased, exact, batch, { target: 'y', seed: 3, resamples: 500 });
    expect(await compareModels(biased, exact, batch, { target: 'y', seed: 3, resamples: 500 })).toEqual(a);
    const holes: Table = { ...batch, columns: [batch.columns[0], numericColumn('y', 'float', Float64Array.from(xs, (x, i) => (i < 4 ? NaN : 2 * x + noise[i])), Uint8Array.from(xs, (_, i) => (i < 2 ? 0 : 1)))] };
    const r = await compareModels(biased, exact, holes, { target: 'y' });
    expect(r.rows).toBe(36);
    expect(r.excluded).toEqual({ missingTarget: 4 });
    expect(r.challenger).toBeCloseTo(rmseOf(noise.slice(4)), 5);
  });
});

describe('compareModels on penguins (models trained by the headless pipeline)', () => {
  it('a trained logistic regression beats one stopped after one tiny step; against itself, no difference', async () => {
    const table = await readFileTable('static/samples/penguins.csv');
    const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
    const good = await trainPipeline(table, { target: 'Species', recipe, algorithm: 'logistic', hyperparameters: { epochs: 40 }, seed: 7 });
    const bad = await trainPipeline(table, { target: 'Species', recipe, algorithm: 'logistic', hyperparameters: { epochs: 1, learningRate: 1e-6 }, seed: 7 });
    try {
      const champion = { model: bad.model, card: bad }, challenger = { model: good.model, card: good };
      const same = await compareModels(challenger, challenger, table, { target: 'Species' });
      expect(same.mcnemar).toMatchObject({ b: 0, c: 0, pValue: 1 });
      expect(same.verdict).toBe('no-difference');
      const r = await compareModels(champion, challenger, table, { target: 'Species' });
      expect(r.rows + r.excluded.missingTarget).toBe(table.rowCount);
      expect(r.challenger).toBeGreaterThan(0.9);
      expect(r.challenger).toBeGreaterThan(r.champion);
      expect(r.mcnemar!.c).toBeGreaterThan(r.mcnemar!.b);
      expect(r.verdict).toBe('better');
    } finally {
      good.model.dispose();
      bad.model.dispose();
    }
  }, 120_000);
});

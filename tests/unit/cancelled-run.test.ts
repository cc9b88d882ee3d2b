import { freshDatabases } from './fresh-db.ts';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { promote, thinned, train, type TrainJobProgress } from '../../src/lib/jobs/train-job.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import type { EnclaveDB, PreparationRecord } from '../../src/lib/store/db.ts';
import { cancelledRun, followTrainProgress, newTrainLog, type TrainLog } from '../../src/lib/store/cancelled-run.ts';
import { getArtifact, listRuns, saveCancelledRun } from '../../src/lib/store/runs.ts';
import { fails } from './errors.ts';

const freshDb = freshDatabases('cancelled-run');
const text = readFileSync('static/samples/penguins.csv', 'utf8');

beforeAll(async () => {
  await initBackend('cpu');
});

async function preparedPenguins(database: EnclaveDB): Promise<PreparationRecord> {
  const blob = new Blob([text]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  const steps = [
    { kind: 'impute', columns: '*numeric', strategy: 'mean' },
    { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
    { kind: 'onehot', columns: ['Island', 'Sex'] },
    { kind: 'scale', columns: '*numeric', method: 'standard' }
  ];
  const r = await prepare({ source: imported.hash, recipe: { target: 'Species', steps }, split: { seed: 42 } }, { database });
  if (r.status !== 'saved') throw new Error('expected a saved preparation');
  return r.preparation;
}

/** Trains until `enough` says so, then cancels as the page does; returns the progress log the page kept. */
async function trainThenCancel(database: EnclaveDB, request: Parameters<typeof train>[0], enough: (log: TrainLog) => boolean): Promise<TrainLog> {
  const stop = new AbortController();
  let log = newTrainLog();
  const onProgress = (p: TrainJobProgress) => {
    log = followTrainProgress(log, p);
    if (enough(log)) stop.abort();
  };
  const err = await fails(train(request, { database, signal: stop.signal, onProgress }));
  expect(err.code).toBe('cancelled');
  return log;
}

describe('a cancelled training run', () => {
  it('is kept with its curves so far, status cancelled, without a model, and is never promotable', async () => {
    const database = freshDb();
    const prep = await preparedPenguins(database);
    const log = await trainThenCancel(database, { preparation: prep.id, algorithm: 'mlp', hyperparameters: { epochs: 5000 }, backend: 'cpu', seed: 7 }, (l) => l.history.length >= 3);
    const run = cancelledRun(prep, log);
    expect(run).not.toBeNull();
    await saveCancelledRun(database, run!);

    const [stored] = await listRuns(database, prep.dataset);
    expect(stored).toMatchObject({ id: run!.id, status: 'cancelled', algorithm: 'mlp', backend: 'cpu', seed: 7, task: 'classification', target: 'Species', metrics: {} });
    expect(stored.history.length).toBeGreaterThanOrEqual(3);
    expect(stored.history.map((e) => e.epoch)).toEqual(Array.from({ length: stored.history.length }, (_, i) => i + 1));
    expect(stored.history[0].valLoss).toBeTypeOf('number');
    // Filled in as a finished run's are (parseSpec's defaults): the table reads them the same way.
    expect(stored.hyperparameters).toMatchObject({ units: [64, 32], activation: 'relu', learningRate: 0.001, epochs: 5000 });
    expect(stored.classNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect((await fails(getArtifact(database, run!.id))).code).toBe('not-found');
    const refused = await fails(promote(run!.id, 'penguins', database));
    expect(refused.code).toBe('invalid-argument');
    expect(refused.message).toMatch(/cancelled before it finished/);
  }, 120_000);

  it('auto keeps the candidates it had scored, with their validation curves', async () => {
    const database = freshDb();
    const prep = await preparedPenguins(database);
    const log = await trainThenCancel(database, { preparation: prep.id, algorithm: 'auto', backend: 'cpu' }, (l) => l.trials.length >= 2);
    const run = cancelledRun(prep, log)!;
    await saveCancelledRun(database, run);
    const [stored] = await listRuns(database, prep.dataset);
    expect(stored.status).toBe('cancelled');
    expect(stored.algorithm).toBe('auto');
    expect(stored.trials!.map((t) => t.trial)).toEqual([0, 1]);
    expect(stored.trials!.map((t) => t.spec.algorithm)).toEqual(['logistic', 'mlp']);
    expect(stored.trials![0].score).toBeGreaterThan(0.9); // penguins: a logistic regression gets nearly every validation row
    // The MLP trains epoch by epoch: its curve is stored (thinned to at most 100 points), first and last epochs kept.
    const curve = stored.trials![1].history!;
    expect(curve.length).toBeGreaterThan(1);
    expect(curve.length).toBeLessThanOrEqual(100);
    expect(curve[0].epoch).toBe(1);
    expect(curve.at(-1)!.epoch).toBe(stored.trials![1].epochs);
    expect(curve.every((e) => typeof e.valMetric === 'number')).toBe(true);
  }, 120_000);

  it('thins a long curve to evenly spaced epochs, keeping the first and the last', () => {
    expect(thinned([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 4, 7, 10]); // indices 0, 3, 6, 9 (9·i/3)
    expect(thinned([1, 2], 4)).toEqual([1, 2]);
  });

  it('cancelled before anything trained keeps nothing', () => {
    const prep = { split: { target: 'Species' } } as PreparationRecord;
    expect(cancelledRun(prep, followTrainProgress(newTrainLog(), { backend: 'cpu' }))).toBeNull();
  });

  it('a restart on another backend drops the epochs before it', () => {
    const e = (epoch: number) => ({ epoch, loss: 1, metric: 0.5 });
    let log = newTrainLog();
    for (const p of [{ epoch: e(1) }, { epoch: e(2) }, { restart: true, backend: 'wasm' }, { epoch: e(1) }]) log = followTrainProgress(log, p);
    expect(log.history.map((x) => x.epoch)).toEqual([1]);
    expect(log.backend).toBe('wasm');
  });

  it('only a cancelled run is kept without its model', async () => {
    const database = freshDb();
    const prep = await preparedPenguins(database);
    const run = cancelledRun(prep, { ...newTrainLog(), start: { algorithm: 'knn', hyperparameters: { k: 5 }, seed: 1, task: 'classification', features: [] }, trials: [], history: [{ epoch: 1, loss: 1, metric: 1 }] })!;
    expect((await fails(saveCancelledRun(database, { ...run, status: 'completed' }))).code).toBe('invalid-argument');
  }, 60_000);
});

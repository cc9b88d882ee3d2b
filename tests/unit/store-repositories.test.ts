import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { classificationReport, regressionReport } from '../../src/lib/core/metrics/index.ts';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { createDb, type EnclaveDB, type ModelRecord, type PreparationRecord, type RunRecord } from '../../src/lib/store/db.ts';
import { getModel, listModels, registerModelVersion } from '../../src/lib/store/models.ts';
import { getPreparation, listPreparations } from '../../src/lib/store/preparations.ts';
import { getRecipe } from '../../src/lib/store/recipes.ts';
import { getRun, listRuns } from '../../src/lib/store/runs.ts';
import { getSetting, putSetting } from '../../src/lib/store/settings.ts';

let open: EnclaveDB[] = [];
function freshDb(name = `store-repos-${crypto.randomUUID()}`): EnclaveDB {
  const d = createDb(name);
  open.push(d);
  return d;
}
afterEach(async () => {
  for (const d of open) await d.delete();
  open = [];
});

const split = { method: 'random' as const, fractions: [0.6, 0.2, 0.2] as [number, number, number], seed: 42, target: 'y' };
// Real reports, as the metrics core makes them: the schema must take what the app writes.
const classReport = classificationReport([0, 1, 1, 0], [0, 1, 0, 0], [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.7, 0.3], ['no', 'yes']);
const regReport = regressionReport([1, 2, 3], [1.5, 2, 2.5]);

/** A run as an older build stored it: no engine, trials or evaluation. */
function oldRun(id: string, dataset: string, created: number, features = ['a', 'b']): RunRecord {
  return {
    id, dataset, preparation: 'prep', version: 'v-train', recipe: 'r', split, target: 'y', task: 'classification',
    algorithm: 'logistic', hyperparameters: { epochs: 3, learningRate: 0.01 }, seed: 42, backend: 'cpu', status: 'completed',
    history: [{ epoch: 1, loss: 0.7, metric: 0.5, valLoss: 0.69, valMetric: 0.55 }, { epoch: 2, loss: 0.6, metric: 0.6 }],
    metrics: { train: { accuracy: 0.8, logLoss: 0.4, macroF1: 0.79 }, validation: { accuracy: 0.75, logLoss: NaN, macroF1: 0.7 } },
    durationMs: 12.5, created, features, classNames: ['no', 'yes']
  };
}

function fullRun(id: string, dataset: string, created: number): RunRecord {
  return {
    ...oldRun(id, dataset, created),
    engine: 'native',
    evaluation: { validation: classReport },
    // A failed trial's score went through JSON: null.
    trials: [
      { trial: 0, spec: { algorithm: 'logistic', hyperparameters: { learningRate: 0.1 } }, score: 0.75, epochs: 3, trainMs: 10 },
      { trial: 1, spec: { algorithm: 'logistic', hyperparameters: { learningRate: 10 } }, score: null, epochs: 1, trainMs: 2, rung: 0, error: 'non-finite' }
    ]
  };
}

function modelOf(id: string, run: string, created: number): ModelRecord {
  return {
    id, name: 'm', version: '1.0.0', run, source: 'v-src', fitted: { target: 'y', steps: [{ spec: { kind: 'scale', columns: '*numeric' }, state: { a: [0, 1] } }] },
    inputSchema: [{ name: 'a', type: 'float', kind: 'numeric' }, { name: 'b', type: 'categorical', kind: 'string' }],
    features: ['a', 'b'], target: 'y', task: 'classification', classNames: ['no', 'yes'], aliases: ['champion'],
    metrics: { validation: { accuracy: 0.75, logLoss: 0.5, macroF1: 0.7 }, test: { accuracy: 0.7, logLoss: 0.6, macroF1: 0.65 } }, created
  };
}

async function rejection(p: Promise<unknown>): Promise<EnclaveError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EnclaveError);
  return err as EnclaveError;
}

describe('runs', () => {
  it('reads a stored run whole: engine, trials (a failed score as null) and its evaluation report', async () => {
    const d = freshDb();
    const run = fullRun('r1', 'A', 1);
    await d.runs.add(run);
    expect(await getRun(d, 'r1')).toEqual(run);
  });

  it('still reads a run stored by an older build (no engine, trials or evaluation)', async () => {
    const d = freshDb();
    const run = oldRun('r-old', 'A', 1);
    await d.runs.add(run);
    const read = await getRun(d, 'r-old');
    expect(read).toEqual(run);
    expect(read.evaluation).toBeUndefined();
  });

  it('says a deleted run no longer exists, naming it in the detail', async () => {
    const err = await rejection(getRun(freshDb(), 'gone'));
    expect(err).toMatchObject({ code: 'not-found', message: 'That run no longer exists.', detail: { run: 'gone' } });
  });

  it('lists the runs of one dataset, newest first', async () => {
    const d = freshDb();
    await d.runs.bulkAdd([oldRun('r1', 'A', 1), fullRun('r2', 'A', 3), oldRun('r3', 'B', 2), oldRun('r4', 'A', 2)]);
    expect((await listRuns(d, 'A')).map((r) => r.id)).toEqual(['r2', 'r4', 'r1']);
    expect(await listRuns(d, 'none')).toEqual([]);
  });

  it('reports a run with wrong field types as damaged storage naming the run and the field, not a TypeError', async () => {
    const d = freshDb();
    await d.runs.add({ ...oldRun('run-damaged', 'A', 1), history: 'three epochs' } as never);
    const err = await rejection(getRun(d, 'run-damaged'));
    expect(err.code).toBe('storage');
    expect(err.message).toMatch(/^The stored run run-damaged is damaged and cannot be read \(history: /);
    expect(err.detail).toMatchObject({ table: 'runs', id: 'run-damaged' });
    // The list a page reads says the same.
    expect(await rejection(listRuns(d, 'A'))).toMatchObject({ code: 'storage', detail: { id: 'run-damaged' } });
  });

  it('reports a run whose scores or evaluation report lost their shape as damaged', async () => {
    const d = freshDb();
    await d.runs.add({ ...oldRun('r-score', 'A', 1), metrics: { validation: { accuracy: 'high' } } } as never);
    const { confusionMatrix: _, ...noMatrix } = classReport;
    await d.runs.add({ ...fullRun('r-report', 'A', 2), evaluation: { validation: noMatrix } } as never);
    await d.runs.add({ ...fullRun('r-kind', 'A', 3), evaluation: { test: { ...regReport, kind: 'clustering' } } } as never);
    expect(await rejection(getRun(d, 'r-score'))).toMatchObject({ code: 'storage', message: expect.stringContaining('metrics.validation') });
    expect(await rejection(getRun(d, 'r-report'))).toMatchObject({ code: 'storage', message: expect.stringContaining('evaluation.validation') });
    expect(await rejection(getRun(d, 'r-kind'))).toMatchObject({ code: 'storage', message: expect.stringContaining('evaluation.test') });
  });

  it('reads a regression run with its residual report', async () => {
    const d = freshDb();
    const run: RunRecord = { ...oldRun('r-reg', 'A', 1), task: 'regression', classNames: undefined, metrics: { validation: { rmse: 0.4, mae: 0.3, r2: 0.9 } }, evaluation: { validation: regReport } };
    await d.runs.add(run);
    expect(await getRun(d, 'r-reg')).toEqual(run);
  });
});

describe('model versions', () => {
  it('says a deleted model version no longer exists', async () => {
    expect(await rejection(getModel(freshDb(), 'gone'))).toMatchObject({ code: 'not-found', message: 'That model no longer exists.' });
  });

  it('reads a stored model version, and reports a damaged one naming it', async () => {
    const d = freshDb();
    await d.models.add(modelOf('m-ok', 'r1', 1));
    expect(await getModel(d, 'm-ok')).toEqual(modelOf('m-ok', 'r1', 1));
    await d.models.add({ ...modelOf('m-bad', 'r1', 2), fitted: 'scaled' } as never);
    const err = await rejection(getModel(d, 'm-bad'));
    expect(err).toMatchObject({ code: 'storage', detail: { table: 'models', id: 'm-bad' } });
    expect(err.message).toMatch(/^The stored model version m-bad is damaged and cannot be read \(fitted: /);
  });

  it('lists every version newest first, or only those whose run trained on a dataset', async () => {
    const d = freshDb();
    await d.runs.bulkAdd([oldRun('ra', 'A', 1), oldRun('rb', 'B', 1)]);
    await d.models.bulkAdd([modelOf('m1', 'ra', 1), modelOf('m2', 'rb', 2), modelOf('m3', 'ra', 3)]);
    expect((await listModels(d)).map((m) => m.id)).toEqual(['m3', 'm2', 'm1']);
    expect((await listModels(d, { dataset: 'A' })).map((m) => m.id)).toEqual(['m3', 'm1']);
    expect((await listModels(d, { dataset: 'B' })).map((m) => m.id)).toEqual(['m2']);
    expect(await listModels(d, { dataset: 'C' })).toEqual([]);
  });
});

describe('registerModelVersion', () => {
  const testScores = { accuracy: 0.7, logLoss: 0.6, macroF1: 0.65 };
  const input = (run: RunRecord, name = 'penguins') => ({
    run, name, testScores, testReport: classReport, source: 'v-src', fitted: { target: 'y', steps: [] },
    inputSchema: [{ name: 'a', type: 'float' as const, kind: 'numeric' as const }]
  });

  it('numbers versions 1.0.0 (champion), 1.1.0 for the same features, 2.0.0 when they change (challengers)', async () => {
    const d = freshDb();
    const runs = [oldRun('r1', 'A', 1), oldRun('r2', 'A', 2), oldRun('r3', 'A', 3, ['a', 'b', 'c'])];
    await d.runs.bulkAdd(runs);
    const first = await registerModelVersion(d, input(runs[0]));
    await new Promise((r) => setTimeout(r, 2)); // distinct creation times: the newest version is the one bumped
    const second = await registerModelVersion(d, input(runs[1]));
    await new Promise((r) => setTimeout(r, 2));
    const third = await registerModelVersion(d, input(runs[2]));
    expect([first, second, third].map((m) => [m.version, m.aliases])).toEqual([['1.0.0', ['champion']], ['1.1.0', ['challenger']], ['2.0.0', ['challenger']]]);
    // Another name starts its own line.
    await d.runs.add(oldRun('r4', 'A', 4));
    expect(await registerModelVersion(d, input(oldRun('r4', 'A', 4), 'other'))).toMatchObject({ version: '1.0.0', aliases: ['champion'] });
    expect(third).toMatchObject({ run: 'r3', source: 'v-src', fitted: { target: 'y', steps: [] }, features: ['a', 'b', 'c'], target: 'y', task: 'classification', metrics: { ...runs[2].metrics, test: testScores } });
    expect(await getModel(d, third.id)).toEqual(third);
  });

  it("records the test scores and report on the promoted run, keeping its validation report", async () => {
    const d = freshDb();
    const run = fullRun('r1', 'A', 1);
    await d.runs.add(run);
    await registerModelVersion(d, input(run));
    const after = await getRun(d, 'r1');
    expect(after.metrics).toEqual({ ...run.metrics, test: testScores });
    expect(after.evaluation).toEqual({ validation: classReport, test: classReport });
  });

  it('refuses to promote a run twice: its test split is scored once', async () => {
    const d = freshDb();
    const run = oldRun('r1', 'A', 1);
    await d.runs.add(run);
    await registerModelVersion(d, input(run));
    // The same stale run object, as a second promote that scored the test split meanwhile would pass.
    expect(await rejection(registerModelVersion(d, input(run)))).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('already promoted') });
    expect(await d.models.count()).toBe(1);
  });

  it('refuses a run deleted before the write, registering nothing', async () => {
    const d = freshDb();
    const run = oldRun('r1', 'A', 1);
    await d.runs.add(run);
    await d.runs.delete('r1');
    expect(await rejection(registerModelVersion(d, input(run)))).toMatchObject({ code: 'not-found', message: expect.stringContaining('deleted while its test split was scored') });
    expect(await d.models.count()).toBe(0);
  });
});

describe('preparations and recipes', () => {
  it('reports a damaged preparation as damaged storage naming it and the field', async () => {
    const d = freshDb();
    const prep = { id: 'prep-1', dataset: 'A', source: 's', recipe: 'r', split, fitted: { steps: [] }, splits: { train: 't', validation: 'v', test: 'x' }, sizes: { train: 6, validation: 2, test: 2 }, report: { anomalies: 'none' }, accepted: [], created: 1 };
    await d.preparations.add(prep as unknown as PreparationRecord);
    const err = await rejection(getPreparation(d, 'prep-1'));
    expect(err).toMatchObject({ code: 'storage', detail: { table: 'preparations', id: 'prep-1' } });
    expect(err.message).toMatch(/^The stored preparation prep-1 is damaged and cannot be read \(report: /);
    expect(await rejection(listPreparations(d, 'A'))).toMatchObject({ code: 'storage' });
  });

  it('reads a stored recipe, undefined when there is none, and reports a damaged one', async () => {
    const d = freshDb();
    const recipe = { target: 'y', steps: [{ kind: 'scale', columns: '*numeric', method: 'minmax' }] };
    await d.recipes.add({ hash: 'h1', recipe, created: 1 });
    await d.recipes.add({ hash: 'h2', recipe: { steps: [{ columns: ['a'] }] }, created: 1 } as never);
    expect(await getRecipe(d, 'h1')).toEqual(recipe);
    expect(await getRecipe(d, 'none')).toBeUndefined();
    expect(await rejection(getRecipe(d, 'h2'))).toMatchObject({ code: 'storage', message: expect.stringContaining('recipe h2'), detail: { table: 'recipes' } });
  });
});

describe('settings', () => {
  it('round-trips a JSON value; a key never set reads as undefined', async () => {
    const d = freshDb();
    expect(await getSetting(d, 'backend:chrome-130')).toBeUndefined();
    const before = Date.now();
    await putSetting(d, 'backend:chrome-130', { backend: 'webgpu', measured: [12.5, 30], at: 1_700_000_000_000 });
    expect(await getSetting(d, 'backend:chrome-130')).toEqual({ backend: 'webgpu', measured: [12.5, 30], at: 1_700_000_000_000 });
    await putSetting(d, 'backend:chrome-130', 'wasm');
    expect(await getSetting(d, 'backend:chrome-130')).toBe('wasm');
    expect((await d.settings.get('backend:chrome-130'))!.updated).toBeGreaterThanOrEqual(before);
  });

  it("reads a value that no longer fits the caller's schema as not remembered", async () => {
    const d = freshDb();
    const Choice = v.object({ backend: v.picklist(['webgpu', 'webgl', 'wasm', 'cpu']) });
    await putSetting(d, 'choice', { backend: 'webgl' });
    expect(await getSetting(d, 'choice', Choice)).toEqual({ backend: 'webgl' });
    await putSetting(d, 'choice', { backend: 'metal' });
    expect(await getSetting(d, 'choice', Choice)).toBeUndefined();
  });

  it('refuses a value JSON cannot hold as it is, and reports a damaged record', async () => {
    const d = freshDb();
    await expect(putSetting(d, 'x', { at: new Date() })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(putSetting(d, 'x', NaN)).rejects.toMatchObject({ code: 'invalid-argument' });
    await d.settings.put({ key: 'y', value: new Map([['a', 1]]), updated: 1 } as never);
    expect(await rejection(getSetting(d, 'y'))).toMatchObject({ code: 'storage', detail: { table: 'settings', id: 'y' } });
  });
});

describe('schema version 6', () => {
  it('upgrades a version 5 database, keeping its records, and adds settings', async () => {
    const name = `store-v5-${crypto.randomUUID()}`;
    // The database as schema version 5 declared it (copied from db.ts; versions are append-only).
    const v5 = new Dexie(name);
    v5.version(1).stores({ projects: 'id', datasets: 'id, project, name', versions: 'hash, dataset, parent', chunks: '[hash+column+index], hash' });
    v5.version(2).stores({ recipes: 'hash', preparations: 'id, dataset, source, created' });
    v5.version(3).stores({ runs: 'id, dataset, preparation, created', models: 'id, name, run, created' });
    v5.version(4).stores({ artifacts: 'run' });
    v5.version(5).stores({ versions: 'hash, dataset, parent, recipe' });
    await v5.open();
    await v5.table('datasets').add({ id: 'A', project: 'p', name: 'a', source: {}, created: 1, latest: 'h' });
    await v5.table('versions').add({ hash: 'h', dataset: 'A', parent: null, recipe: 'rc', rowCount: 0, schema: [], profile: {}, created: 1, warnings: [] });
    await v5.table('chunks').add({ hash: 'h', column: 0, index: 0, values: new ArrayBuffer(0), valid: new ArrayBuffer(0) });
    await v5.table('runs').add(oldRun('r1', 'A', 1));
    await v5.table('models').add(modelOf('m1', 'r1', 1));
    await v5.table('artifacts').add({ run: 'r1', model: { format: 'enclave-model', weights: [] }, created: 1 });
    expect(v5.verno).toBe(5);
    v5.close();

    const d = freshDb(name);
    await d.open();
    expect(d.verno).toBe(8);
    expect([await d.datasets.count(), await d.versions.count(), await d.chunks.count(), await d.runs.count(), await d.models.count(), await d.artifacts.count()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await d.versions.where('recipe').equals('rc').primaryKeys()).toEqual(['h']);
    expect(await getRun(d, 'r1')).toEqual(oldRun('r1', 'A', 1));
    expect(await listModels(d, { dataset: 'A' })).toEqual([modelOf('m1', 'r1', 1)]);
    await putSetting(d, 'k', 1);
    expect(await getSetting(d, 'k')).toBe(1);
  });
});

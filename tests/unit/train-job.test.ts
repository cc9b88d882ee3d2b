import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/lib/jobs/import-job.ts';
import { prepare } from '../../src/lib/jobs/prepare-job.ts';
import { train, tune, promote, predict, type TrainJobProgress } from '../../src/lib/jobs/train-job.ts';
import { analyse } from '../../src/lib/jobs/analyse.ts';
import { rankTrials } from '../../src/lib/components/tune-panel/rank.ts';
import { initBackend } from '../../src/lib/ml/backend.ts';
import { createDb, type EnclaveDB, type RunRecord } from '../../src/lib/store/db.ts';
import { parseRun, saveRunWithArtifact } from '../../src/lib/store/runs.ts';
import { deleteDataset } from '../../src/lib/store/delete.ts';

const penguins = new Uint8Array(readFileSync('static/samples/penguins.csv'));
const recipe = JSON.parse(readFileSync('tests/fixtures/penguins-recipe.json', 'utf8'));
let dbs: Dexie[] = [];

beforeAll(async () => {
  await initBackend('cpu');
});

afterEach(async () => {
  for (const d of dbs) { d.close(); await d.delete(); }
  dbs = [];
});

function freshDb(name = `train-job-${crypto.randomUUID()}`): EnclaveDB {
  const d = createDb(name);
  dbs.push(d);
  return d;
}

/** Penguins imported and prepared (Species, seed 42: 206 / 69 / 69 rows) in `database`. */
async function prepared(database: EnclaveDB, target = 'Species') {
  const blob = new Blob([penguins]);
  const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database });
  // Another target: Species becomes a feature, one-hot encoded like Island and Sex.
  const steps = target === 'Species' ? recipe.steps : recipe.steps.map((s: { kind: string; columns: unknown }) => (s.kind === 'onehot' ? { ...s, columns: ['Island', 'Sex', 'Species'] } : s));
  const r = await prepare({ source: imported.hash, recipe: { ...recipe, steps, target }, split: { seed: 42 } }, { database });
  if (r.status !== 'saved') throw new Error('expected the preparation to be saved');
  return { dataset: imported.datasetId, prep: r.preparation };
}

/** Every mutation of `table` fails the way a full disk would (middleware below Dexie's API). */
function failWrites(d: EnclaveDB, table: string) {
  d.use({
    stack: 'dbcore',
    name: `failing-${table}`,
    create: (down) => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        return name === table ? { ...t, mutate: () => Promise.reject(new DOMException('disk full', 'QuotaExceededError')) } : t;
      }
    })
  });
}

/** The database as schema version 3 declared it (copied from db.ts; versions are append-only). */
class V3 extends Dexie {
  constructor(name: string) {
    super(name);
    this.version(1).stores({ projects: 'id', datasets: 'id, project, name', versions: 'hash, dataset, parent', chunks: '[hash+column+index], hash' });
    this.version(2).stores({ recipes: 'hash', preparations: 'id, dataset, source, created' });
    this.version(3).stores({ runs: 'id, dataset, preparation, created', models: 'id, name, run, created' });
  }
}

/** A saved 1-nearest-neighbour model, written by hand: training rows x → class code y. */
function knn(x: number[], y: number[], classNames: string[]) {
  return {
    format: 'enclave-model',
    version: 1,
    spec: { algorithm: 'knn', hyperparameters: { k: 1, distance: 'euclidean' } },
    shape: { task: 'classification', features: ['x'], classNames },
    seed: 1,
    weights: [
      { name: 'train/X', shape: [x.length, 1], data: x },
      { name: 'train/y', shape: [y.length], data: y }
    ]
  };
}

const split = { method: 'random', fractions: [0.6, 0.2, 0.2], seed: 1 } as const;
function runOf(id: string, created: number) {
  return {
    id, dataset: 'ds', preparation: 'prep', version: 'v', recipe: 'r', split, target: 'y', task: 'classification', algorithm: 'knn',
    hyperparameters: { k: 1, distance: 'euclidean' }, seed: 1, backend: 'cpu', status: 'completed', history: [],
    metrics: { train: { accuracy: 1 }, validation: { accuracy: 1 }, test: { accuracy: 1 } }, durationMs: 3, created, features: ['x'], classNames: ['a', 'b']
  };
}
function modelOf(id: string, run: string, classNames: string[], created: number) {
  return {
    id, name: 'sorter', version: '1.0.0', run, source: 'v', fitted: { target: 'y', steps: [] }, inputSchema: [{ name: 'x', type: 'float', kind: 'numeric' }],
    features: ['x'], target: 'y', task: 'classification', classNames, aliases: ['champion'], metrics: { test: { accuracy: 1 } }, created
  };
}

describe('schema version 4: model artifacts apart from runs and models', () => {
  it('upgrades a v3 database: each model JSON moves to artifacts, runs and models lose it, and a promoted model predicts as before', async () => {
    const name = `train-job-v3-${crypto.randomUUID()}`;
    const modelA = knn([0.5, 9.5], [0, 1], ['a', 'b']); // x < 5 → a, else b
    const modelB = knn([0.5, 2.5, 9.5], [1, 1, 0], ['a', 'b']);
    const modelC = knn([0.5, 9.5], [1, 0], ['no', 'yes']); // x < 5 → yes: a version whose run was removed
    const runA = runOf('run-a', 1000);
    const runB = runOf('run-b', 2000);
    const versionA = modelOf('model-a', 'run-a', ['a', 'b'], 1500);
    const versionC = modelOf('model-c', 'run-gone', ['no', 'yes'], 2500);

    const old = new V3(name);
    await old.table('runs').bulkAdd([{ ...runA, model: modelA }, { ...runB, model: modelB }]);
    await old.table('models').bulkAdd([{ ...versionA, model: modelA }, { ...versionC, model: modelC }]);
    old.close();

    const d = freshDb(name);
    await d.open();
    expect(d.verno).toBe(8);
    expect(await d.artifacts.toArray()).toEqual([
      { run: 'run-a', model: modelA, created: 1000 },
      { run: 'run-b', model: modelB, created: 2000 },
      { run: 'run-gone', model: modelC, created: 2500 }
    ]);
    expect(await d.runs.toArray()).toEqual([runA, runB]);
    expect(await d.models.toArray()).toEqual([versionA, versionC]);
    for (const r of [...(await d.runs.toArray()), ...(await d.models.toArray())]) expect(r).not.toHaveProperty('model');

    expect(await predict('model-a', [{ x: 1.5 }, { x: 8.5 }, { x: 0.25 }], d)).toEqual({ predictions: ['a', 'b', 'a'], probabilities: [[1, 0], [0, 1], [1, 0]] });
    expect(await predict('model-c', [{ x: 1.5 }, { x: 8.5 }], d)).toEqual({ predictions: ['yes', 'no'], probabilities: [[0, 1], [1, 0]] });
  });

  it('upgrades an empty v3 database', async () => {
    const name = `train-job-v3-${crypto.randomUUID()}`;
    const old = new V3(name);
    await old.open();
    old.close();
    const d = freshDb(name);
    await d.open();
    expect(d.verno).toBe(8);
    expect(await d.artifacts.count()).toBe(0);
  });
});

describe('train, promote, predict, analyse (schema version 4)', () => {
  it('keeps the model weights out of the run and model lists; promote, predict and analyse read the artifact', async () => {
    const d = freshDb();
    const { dataset, prep } = await prepared(d);
    const run = await train({ preparation: prep.id, algorithm: 'knn', hyperparameters: { k: 3 }, backend: 'cpu' }, { database: d });
    expect(run).not.toHaveProperty('model'); // what the worker sends the page

    // The artifact: a k-NN model's weights are its 206 training rows.
    const artifact = await d.artifacts.get(run.id);
    expect(artifact).toMatchObject({ run: run.id, created: run.created, model: { format: 'enclave-model', spec: { algorithm: 'knn', hyperparameters: { k: 3 } } } });
    const weights = (artifact!.model as { weights: { name: string; shape: number[]; data: string }[] }).weights;
    expect(weights.map((w) => [w.name, w.shape])).toEqual([['train/X', [206, run.features.length]], ['train/y', [206]]]);

    const registered = await promote(run.id, 'penguins', d);
    expect(registered).toMatchObject({ run: run.id, version: '1.0.0', aliases: ['champion'] });
    expect(registered).not.toHaveProperty('model');

    // The lists the Train and Evaluate pages read.
    const runs = await d.runs.where('dataset').equals(dataset).toArray();
    const models = await d.models.toArray();
    expect(runs.map((r) => r.id)).toEqual([run.id]);
    expect(models.map((m) => m.id)).toEqual([registered.id]);
    for (const r of [...runs, ...models]) {
      expect(r).not.toHaveProperty('model');
      const text = JSON.stringify(r);
      for (const w of weights) expect(text).not.toContain(w.data);
    }
    expect((runs[0].metrics as { test?: unknown }).test).toBeDefined(); // promote still scored the test split

    const row = { Island: 'Torgersen', 'Beak Length (mm)': 39.1, 'Beak Depth (mm)': 18.7, 'Flipper Length (mm)': 181, 'Body Mass (g)': 3750, Sex: 'MALE' };
    const out = await predict(registered.id, [row], d);
    expect(out.predictions).toHaveLength(1);
    expect(['Adelie', 'Chinstrap', 'Gentoo']).toContain(out.predictions[0]);
    const analysis = await analyse(run.id, 'Island', d);
    expect(analysis.importance.map((i) => i.feature).sort()).toEqual([...run.features].sort());

    // Without its artifact a model cannot predict, be promoted or be analysed: they read nothing else.
    await d.artifacts.delete(run.id);
    await expect(predict(registered.id, [row], d)).rejects.toMatchObject({ code: 'not-found' });
    await expect(analyse(run.id, null, d)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('says it is training before the first epoch ends (not still loading): the first train report is 0 done', async () => {
    const d = freshDb();
    const { prep } = await prepared(d);
    const seen: TrainJobProgress[] = [];
    await train({ preparation: prep.id, algorithm: 'mlp', backend: 'cpu', hyperparameters: { epochs: 2 } }, { database: d, onProgress: (p) => void seen.push(p) });
    const firstTrain = seen.findIndex((p) => p.stage === 'train');
    const firstEpoch = seen.findIndex((p) => p.epoch !== undefined);
    expect(firstTrain).toBeGreaterThan(seen.findIndex((p) => p.stage === 'load'));
    expect(seen[firstTrain]).toMatchObject({ stage: 'train', done: 0 });
    expect(firstTrain).toBeLessThan(firstEpoch);
  });

  it("logistic regression by L-BFGS on 'auto' measures no tfjs backend (it trains in its own kernels) and promotes from compact rows", async () => {
    const d = freshDb();
    const { prep } = await prepared(d);
    const seen: TrainJobProgress[] = [];
    const run = await train({ preparation: prep.id, algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs' }, backend: 'auto' }, { database: d, onProgress: (p) => void seen.push(p) });
    expect(seen.filter((p) => p.measuring)).toEqual([]);
    expect(run).toMatchObject({ backend: 'wasm', status: 'completed', threads: 1 });
    // A stored run's thread count is checked on the way back in: a whole number from 1; older runs have none.
    const { threads: _t, ...older } = run;
    expect(parseRun(older, run.id)).not.toHaveProperty('threads');
    expect(parseRun({ ...run, threads: 2 }, run.id).threads).toBe(2);
    for (const bad of [0, 1.5, -1, '2']) expect(() => parseRun({ ...run, threads: bad }, run.id)).toThrow();
    expect((run.metrics.validation as { accuracy: number }).accuracy).toBeGreaterThan(0.9);
    const registered = await promote(run.id, 'penguins', d);
    const scored = (await d.runs.get(run.id))!.metrics.test as { accuracy: number };
    expect(registered.run).toBe(run.id);
    expect(scored.accuracy).toBeGreaterThan(0.9);
  });

  it('stores neither the run nor its model when the artifact write fails', async () => {
    const d = freshDb();
    failWrites(d, 'artifacts');
    const { prep } = await prepared(d);
    await expect(train({ preparation: prep.id, algorithm: 'knn', backend: 'cpu' }, { database: d })).rejects.toMatchObject({ code: 'too-large' });
    expect(await d.runs.count()).toBe(0);
    expect(await d.artifacts.count()).toBe(0);
  });

  it('stores neither when the run write fails', async () => {
    const d = freshDb();
    failWrites(d, 'runs');
    const { prep } = await prepared(d);
    await expect(train({ preparation: prep.id, algorithm: 'knn', backend: 'cpu' }, { database: d })).rejects.toMatchObject({ code: 'too-large' });
    expect(await d.runs.count()).toBe(0);
    expect(await d.artifacts.count()).toBe(0);
  });

  it('saveRunWithArtifact: a model that cannot be stored leaves no run behind', async () => {
    const d = freshDb();
    await d.preparations.add({ id: 'prep' } as never);
    const run = runOf('run-x', 1) as unknown as RunRecord;
    await expect(saveRunWithArtifact(d, run, { weights: [() => 0] } as never)).rejects.toMatchObject({ code: 'storage' });
    expect(await d.runs.count()).toBe(0);
    expect(await d.artifacts.count()).toBe(0);
    await saveRunWithArtifact(d, run, { weights: [] } as never);
    expect(await d.runs.get('run-x')).toEqual(run);
    expect(await d.artifacts.get('run-x')).toEqual({ run: 'run-x', model: { weights: [] }, created: 1 });
  });

  it('a run whose dataset is deleted while it trains is not kept (a k-NN model holds training rows)', async () => {
    const d = freshDb();
    const { prep, dataset } = await prepared(d);
    let deletion: Promise<boolean> | undefined;
    const job = train({ preparation: prep.id, algorithm: 'mlp', backend: 'cpu', hyperparameters: { epochs: 3 } }, { database: d, onProgress: (p) => void (p.stage === 'train' && (deletion ??= deleteDataset(d, dataset))) });
    // Deleted once the data was loaded and training began: the save is what refuses it.
    await expect(job).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('deleted while it trained') });
    expect(await deletion).toBe(true);
    expect(await d.runs.count()).toBe(0);
    expect(await d.artifacts.count()).toBe(0);
  });

  it('a model version is not registered for a run deleted while its test split is scored', async () => {
    const d = freshDb();
    const { prep, dataset } = await prepared(d);
    const run = await train({ preparation: prep.id, algorithm: 'knn', backend: 'cpu' }, { database: d });
    const promoting = promote(run.id, 'penguins', d);
    await deleteDataset(d, dataset);
    await expect(promoting).rejects.toMatchObject({ code: 'not-found' });
    expect(await d.models.count()).toBe(0);
    expect(await d.runs.count()).toBe(0);
  });

  it('a cancelled training run stores nothing', async () => {
    const d = freshDb();
    const { prep } = await prepared(d);
    const ac = new AbortController();
    const job = train({ preparation: prep.id, algorithm: 'mlp', hyperparameters: { epochs: 50 }, backend: 'cpu' }, { database: d, signal: ac.signal, onProgress: (p) => p.stage === 'train' && p.done >= 2 && ac.abort() });
    await expect(job).rejects.toMatchObject({ code: 'cancelled' });
    expect(await d.runs.count()).toBe(0);
    expect(await d.artifacts.count()).toBe(0);
  });
});

describe('non-finite training is never a completed run', () => {
  it('restarts on the next backend and says so; when the last one goes non-finite too, fails naming both, and stores nothing', async () => {
    const d = freshDb();
    const { prep } = await prepared(d, 'Body Mass (g)');
    const progress: TrainJobProgress[] = [];
    // Plain SGD at the largest learning rate the spec allows: a regression network overflows on any backend.
    const job = train({ preparation: prep.id, algorithm: 'mlp', hyperparameters: { units: [16], optimizer: 'sgd', learningRate: 10, epochs: 20 }, backend: 'wasm' }, { database: d, onProgress: (p) => progress.push(p) });
    const err = await job.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'non-finite' });
    expect((err as Error).message).toMatch(/^Training produced non-finite values on every backend tried: WASM \(epoch \d+\) and CPU \(epoch \d+\)\. Lower the learning rate \(now 10\) or scale the features/);
    const notes = progress.filter((p) => p.note);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ backend: 'cpu', restart: true, note: expect.stringMatching(/^Training on WASM produced non-finite values at epoch \d+; training restarted on CPU\.$/) });
    expect(progress.some((p) => p.stage === 'save')).toBe(false);
    expect(await d.runs.count()).toBe(0);
    expect(await d.artifacts.count()).toBe(0);
  });
});

describe('non-finite tuning trials', () => {
  it('a tuning run keeps a trial that went non-finite as failed (score null once stored): it ranks last and is never the best', async () => {
    const d = freshDb();
    const { prep } = await prepared(d, 'Body Mass (g)');
    const run = await tune({ preparation: prep.id, algorithm: 'mlp', base: { units: [16], optimizer: 'sgd', epochs: 5 }, space: { learningRate: [10, 0.01] }, method: 'grid', backend: 'cpu' }, { database: d });
    const trials = run.trials!;
    expect(trials[0]).toMatchObject({ trial: 0, score: null, error: expect.stringMatching(/^Training on CPU produced non-finite values at epoch \d+/) });
    expect(trials[1].score).toBeLessThan(0); // −RMSE: a plain "higher first" sort put the failed trial (null → 0) above it
    expect(run.hyperparameters.learningRate).toBe(0.01);
    const { sorted, best } = rankTrials(trials);
    expect(sorted.map((t) => t.trial)).toEqual([1, 0]);
    expect(best?.trial).toBe(1);
    expect(rankTrials([{ trial: 0, score: null }]).best).toBeUndefined();
  });
});

describe('seeds from any caller', () => {
  it('train and tune refuse a seed outside 0 … 2³² − 1 (4294967338 would repeat seed 42) and store nothing', async () => {
    const d = freshDb();
    const { prep } = await prepared(d);
    for (const seed of [4294967338, -1, 1.5]) {
      const message = `The seed must be a whole number from 0 to 4294967295; got ${seed}.`;
      await expect(train({ preparation: prep.id, algorithm: 'knn', seed, backend: 'cpu' }, { database: d })).rejects.toMatchObject({ code: 'invalid-argument', message });
      await expect(tune({ preparation: prep.id, algorithm: 'knn', space: { k: [1, 3] }, method: 'grid', seed, backend: 'cpu' }, { database: d })).rejects.toMatchObject({ code: 'invalid-argument', message });
    }
    expect(await d.runs.count()).toBe(0);
    const run = await train({ preparation: prep.id, algorithm: 'knn', seed: 4294967295, backend: 'cpu' }, { database: d });
    expect(run.seed).toBe(4294967295);
  });

  it('prepare refuses a split seed outside 0 … 2³² − 1 and saves nothing', async () => {
    const d = freshDb();
    const blob = new Blob([penguins]);
    const imported = await importFile({ file: { name: 'penguins.csv', size: blob.size, stream: () => blob.stream() } }, { database: d });
    for (const seed of [4294967338, -1, 0.5])
      await expect(prepare({ source: imported.hash, recipe: { ...recipe, target: 'Species' }, split: { seed } }, { database: d })).rejects.toMatchObject({ message: `The seed must be a whole number from 0 to 4294967295; got ${seed}.` });
    expect(await d.preparations.count()).toBe(0);
  });
});

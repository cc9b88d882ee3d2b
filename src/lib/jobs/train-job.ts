/**
 * The train worker's jobs: train a model on a stored preparation (validation scored every epoch; the test split stays
 * sealed), keep the run; promote a run (score the test split once, register a model version); predict with a
 * registered model (its fitted recipe and weights only — never the training data).
 */
import { initBackend, type BackendName } from '../ml/backend.ts';
import { withBackendFallback, fallbackNote } from '../ml/fallback.ts';
import { toDataset, featureMatrix, type Dataset } from '../ml/matrix.ts';
import { trainModel, modelFromJSON, type EpochLog } from '../ml/train.ts';
import { autoTrain } from '../ml/auto.ts';
import { gridSpecs, randomSpecs, evaluateCandidates, successiveHalving, type TrialResult } from '../ml/tune.ts';
import { finitePredictions, scoreModel } from '../ml/models/score.ts';
import { checkSeed } from '../core/seed.ts';
import { classificationReport, regressionReport } from '../core/metrics/index.ts';
import type { TrainedModel } from '../ml/models/saved.ts';
import type { ModelSpecInput, Algorithm } from '../ml/models/spec.ts';
import { applyRecipe } from '../core/recipe/index.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';
import { tableFromRecords, type InputRecord } from '../core/table-from-records.ts';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { db as defaultDb, type EnclaveDB, type ModelRecord, type RunRecord } from '../store/db.ts';
import { getPreparation } from '../store/preparations.ts';
import { loadTable } from '../store/tables.ts';
import { getArtifact, saveRunWithArtifact } from '../store/artifacts.ts';

export interface TrainRequest {
  preparation: string;
  algorithm: 'auto' | Algorithm;
  hyperparameters?: Record<string, unknown>;
  seed?: number;
  backend?: BackendName | 'auto';
}

export interface TrainJobProgress {
  stage: 'backend' | 'load' | 'train' | 'evaluate' | 'save';
  done: number;
  total: number;
  epoch?: EpochLog;
  backend?: string;
  note?: string;
  /** Training started again from the first epoch (on another backend): earlier epoch logs no longer apply. */
  restart?: boolean;
}

interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainJobProgress) => void;
  database?: EnclaveDB;
}

async function datasets(database: EnclaveDB, prepId: string) {
  const prep = await getPreparation(database, prepId);
  const target = prep.split.target;
  if (!target) throw new EnclaveError('invalid-target', 'This preparation has no target column: choose one on the Prepare page and prepare again.');
  const [trainT, valT] = await Promise.all([loadTable(database, prep.splits.train), loadTable(database, prep.splits.validation)]);
  const train = toDataset(trainT, target);
  const validation = toDataset(valT, target, train.shape);
  return { prep, target, train, validation };
}

export async function train(req: TrainRequest, opts: JobOptions = {}): Promise<RunRecord> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  if (req.seed !== undefined) checkSeed(req.seed);
  onProgress?.({ stage: 'backend', done: 0, total: 1 });
  const backend = await initBackend(req.backend ?? 'auto');
  onProgress?.({ stage: 'load', done: 0, total: 1, backend: backend.name });
  const { prep, target, train: trainData, validation } = await datasets(database, req.preparation);
  throwIfAborted(signal);
  const seed = req.seed ?? prep.split.seed;
  const t0 = performance.now();
  // A device loss or non-finite values part-way restart the training on the next backend (src/lib/ml/fallback.ts); `used`
  // produced the model. Non-finite values on the last backend fail the job: nothing is stored.
  const { result: outcome, backend: used } = await withBackendFallback(async ({ backend: on, signal: attempt }) => {
    if (req.algorithm === 'auto') {
      const r = await autoTrain(trainData, validation, { seed, signal: attempt, onTrial: (p) => attempt.aborted || onProgress?.({ stage: 'train', done: p.done, total: p.total, backend: on }) });
      return r.outcome;
    }
    const spec: ModelSpecInput = { algorithm: req.algorithm, hyperparameters: req.hyperparameters ?? {} } as ModelSpecInput;
    return trainModel(spec, trainData, {
      seed, validation, signal: attempt,
      onEpoch: (log) => attempt.aborted || onProgress?.({ stage: 'train', done: log.epoch, total: Number((req.hyperparameters?.epochs as number) ?? 0) || log.epoch, epoch: log, backend: on })
    });
  }, {
    backend: backend.name, signal,
    onFallback: (e) => onProgress?.({ stage: 'train', done: 0, total: 1, backend: e.to, note: fallbackNote(e), restart: true }),
    discard: (o) => o.model.dispose()
  });
  throwIfAborted(signal);
  return saveRun(database, { prep, target, trainData, validation, outcome, seed, backend: used, t0, onProgress, signal });
}

interface RunInput {
  prep: Awaited<ReturnType<typeof datasets>>['prep'];
  target: string;
  trainData: Dataset;
  validation: Dataset;
  outcome: { model: TrainedModel; history: EpochLog[]; engine?: 'native' | 'tfjs' };
  seed: number;
  backend: string;
  t0: number;
  onProgress?: (p: TrainJobProgress) => void;
  trials?: TrialResult[];
  /** A cancel while scoring stores nothing. */
  signal?: AbortSignal;
}

async function saveRun(database: EnclaveDB, input: RunInput): Promise<RunRecord> {
  const { prep, target, trainData, validation, outcome, seed, t0, onProgress, signal } = input;
  const backend = { name: input.backend };
  let model: unknown;
  let metrics: RunRecord['metrics'], evaluation: RunRecord['evaluation'];
  try {
    onProgress?.({ stage: 'evaluate', done: 0, total: 1, backend: backend.name });
    metrics = { train: await scoreModel(outcome.model, trainData), validation: await scoreModel(outcome.model, validation) };
    throwIfAborted(signal);
    evaluation = { validation: await evaluate(outcome.model, validation) };
    throwIfAborted(signal);
    model = outcome.model.toJSON();
  } finally {
    outcome.model.dispose();
  }
  const run: RunRecord = {
    id: crypto.randomUUID(),
    dataset: prep.dataset,
    preparation: prep.id,
    version: prep.splits.train,
    recipe: prep.recipe,
    split: prep.split,
    target,
    task: trainData.shape.task,
    algorithm: outcome.model.spec.algorithm,
    hyperparameters: outcome.model.spec.hyperparameters as Record<string, unknown>,
    seed,
    backend: backend.name,
    ...(outcome.engine ? { engine: outcome.engine } : {}),
    status: 'completed',
    history: outcome.history,
    metrics,
    evaluation,
    durationMs: performance.now() - t0,
    created: Date.now(),
    features: trainData.shape.features,
    classNames: trainData.shape.classNames,
    ...(input.trials ? { trials: JSON.parse(JSON.stringify(input.trials)) } : {})
  };
  onProgress?.({ stage: 'save', done: 0, total: 1, backend: backend.name });
  // The run (small: the pages list it) and its model (the artifact) in one transaction: both or neither.
  await saveRunWithArtifact(database, run, model);
  return run;
}

/** The full evaluation report of a model on one split (curves downsampled for drawing, JSON without NaN). */
export async function evaluate(model: TrainedModel, data: Dataset): Promise<unknown> {
  const out = await finitePredictions(model, data);
  if (data.shape.task === 'regression') return regressionReport(data.y, out);
  const k = data.shape.classNames!.length;
  const yPred = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
    yPred[i] = best;
  }
  return classificationReport(data.y, yPred, out, data.shape.classNames!);
}

export interface TuneRequest {
  preparation: string;
  algorithm: Algorithm;
  /** Hyperparameters every candidate shares. */
  base?: Record<string, unknown>;
  /** Values to try per hyperparameter. */
  space: Record<string, unknown[]>;
  method: 'grid' | 'random' | 'halving';
  /** Random search: how many candidates. */
  count?: number;
  seed?: number;
  backend?: BackendName | 'auto';
}

/** Grid, random search or successive halving, scored on validation; the best is kept as a run with every trial. */
export async function tune(req: TuneRequest, opts: JobOptions = {}): Promise<RunRecord> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  if (req.seed !== undefined) checkSeed(req.seed);
  onProgress?.({ stage: 'backend', done: 0, total: 1 });
  const backend = await initBackend(req.backend ?? 'auto');
  const { prep, target, train: trainData, validation } = await datasets(database, req.preparation);
  const seed = req.seed ?? prep.split.seed;
  const base = { algorithm: req.algorithm, hyperparameters: req.base ?? {} } as ModelSpecInput;
  const specs = req.method === 'random' ? randomSpecs(base, req.space, req.count ?? 8, seed) : gridSpecs(base, req.space);
  if (specs.length > 200) throw new EnclaveError('invalid-argument', `That search has ${specs.length} candidates; keep it to 200 or fewer.`);
  const t0 = performance.now();
  const { result, backend: used } = await withBackendFallback(({ backend: on, signal: attempt }) => {
    const topts = { seed, signal: attempt, onTrial: (p: { done: number; total: number }) => attempt.aborted || onProgress?.({ stage: 'train' as const, done: p.done, total: p.total, backend: on }) };
    return req.method === 'halving' ? successiveHalving(specs, trainData, validation, topts) : evaluateCandidates(specs, trainData, validation, topts);
  }, {
    backend: backend.name, signal,
    onFallback: (e) => onProgress?.({ stage: 'train', done: 0, total: 1, backend: e.to, note: fallbackNote(e, 'tuning'), restart: true }),
    discard: (r) => r.outcome.model.dispose()
  });
  throwIfAborted(signal);
  return saveRun(database, { prep, target, trainData, validation, outcome: result.outcome, seed, backend: used, t0, onProgress, trials: result.trials, signal });
}

function bump(prev: ModelRecord | undefined, features: string[]): string {
  if (!prev) return '1.0.0';
  const [major, minor] = prev.version.split('.').map(Number);
  // A different input schema is a breaking change for whoever calls the model.
  return JSON.stringify(prev.features) === JSON.stringify(features) ? `${major}.${minor + 1}.0` : `${major + 1}.0.0`;
}

/** Score the sealed test split once and register the run's model as a new version of `name`. */
export async function promote(runId: string, name: string, database: EnclaveDB = defaultDb()): Promise<ModelRecord> {
  const run = await database.runs.get(runId);
  if (!run) throw new EnclaveError('not-found', 'That run no longer exists.');
  if (run.metrics.test) throw new EnclaveError('invalid-argument', 'This run was already promoted: its test split has been scored once and stays sealed.');
  const prep = await getPreparation(database, run.preparation);
  const trainShape = { task: run.task, features: run.features, classNames: run.classNames };
  const test: Dataset = toDataset(await loadTable(database, prep.splits.test), run.target, trainShape);
  const model = modelFromJSON(await getArtifact(database, run.id));
  const testScores = await scoreModel(model, test);
  const testReport = await evaluate(model, test);
  model.dispose();
  // What a person enters to get a prediction: the source columns, before the recipe.
  const sourceVersion = await database.versions.get(prep.source);
  return database.transaction('rw', [database.runs, database.models], async () => {
    // Checked again inside the write: the dataset may have been deleted, or the run promoted, while the test scored.
    const current = await database.runs.get(run.id);
    if (!current) throw new EnclaveError('not-found', 'That run was deleted while its test split was scored; nothing was registered.');
    if (current.metrics.test) throw new EnclaveError('invalid-argument', 'This run was already promoted: its test split has been scored once and stays sealed.');
    const existing = (await database.models.where('name').equals(name).toArray()).sort((a, b) => b.created - a.created);
    const hasChampion = existing.some((m) => m.aliases.includes('champion'));
    const record: ModelRecord = {
      id: crypto.randomUUID(),
      name,
      version: bump(existing[0], run.features),
      run: run.id,
      source: prep.source,
      fitted: prep.fitted,
      inputSchema: (sourceVersion?.schema ?? []).filter((f) => f.name !== run.target),
      features: run.features,
      target: run.target,
      task: run.task,
      classNames: run.classNames,
      aliases: hasChampion ? ['challenger'] : ['champion'],
      metrics: { ...run.metrics, test: testScores },
      created: Date.now()
    };
    await database.runs.update(run.id, { metrics: { ...run.metrics, test: testScores }, evaluation: { ...(run.evaluation ?? {}), test: testReport } });
    await database.models.add(record);
    return record;
  });
}

/**
 * Predictions for raw records (as a person would enter them): the fitted recipe, then the model. A record is a list of
 * [column, value] pairs or a Map (a feature may be named "__proto__"), or a plain object (its own keys).
 */
export async function predict(modelId: string, records: readonly InputRecord[], database: EnclaveDB = defaultDb()): Promise<{ predictions: (string | number)[]; probabilities?: number[][] }> {
  const m = await database.models.get(modelId);
  if (!m) throw new EnclaveError('not-found', 'That model no longer exists.');
  // A model version's weights are its run's artifact.
  const saved = await getArtifact(database, m.run);
  await initBackend();
  const raw = tableFromRecords(records);
  const prepared = applyRecipe(raw, m.fitted as FittedRecipe, 'predict');
  const { X, n } = featureMatrix(prepared, m.target, m.features);
  const model = modelFromJSON(saved);
  const out = await model.predict(X, n);
  model.dispose();
  if (m.task === 'regression') return { predictions: Array.from(out) };
  const k = m.classNames!.length;
  const probabilities = Array.from({ length: n }, (_, i) => Array.from(out.subarray(i * k, i * k + k)));
  return { predictions: probabilities.map((p) => m.classNames![p.indexOf(Math.max(...p))]), probabilities };
}

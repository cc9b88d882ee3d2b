/**
 * The train worker's jobs over the store: train or tune on a stored preparation and keep the run; promote a run (its
 * sealed test split scored once, a model version registered); predict with a registered model. The work itself is
 * the store-free services (src/lib/services/), the same code the headless runner calls; this file loads their inputs
 * and stores what they return.
 */
import { BACKEND_ORDER, initBackend, type BackendName } from '../ml/backend.ts';
import { backendLabel } from '../ml/backend-label.ts';
import type { Dataset } from '../ml/matrix.ts';
import { modelFromJSON, type EpochLog } from '../ml/train.ts';
import type { Algorithm } from '../ml/models/spec.ts';
import type { Distribution } from '../ml/tune.ts';
import type { SavedModel } from '../ml/models/saved.ts';
import { parseSpec } from '../ml/models/spec.ts';
import type { TrialResult } from '../ml/tune.ts';
import type { StoredTrial, TrainStart } from '../store/cancelled-run.ts';
import { settingsBackendMemory } from './backend-memory.ts';
import { checkSeed } from '../core/seed.ts';
import type { InputRecord } from '../core/table-from-records.ts';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { db as defaultDb, type EnclaveDB, type ModelRecord, type PreparationRecord, type RunRecord } from '../store/db.ts';
import { getPreparation } from '../store/preparations.ts';
import { getVersion } from '../store/tables.ts';
import { loadCompactDataset, loadDataset } from './load-dataset.ts';
import { getArtifact, getRun, saveRunWithArtifact } from '../store/runs.ts';
import { getModel, registerModelVersion } from '../store/models.ts';
import { recordModelEvent } from '../store/model-history.ts';
import { readsCompactRows, type FitRequest } from '../services/fit.ts';
import { trainOnSplits, type TrainedOnSplits } from '../services/train.ts';
import { scoreSealedTest } from '../services/promote.ts';
import { predictRecords, type Predictions } from '../services/predict.ts';

export interface TrainRequest {
  preparation: string;
  algorithm: 'auto' | Algorithm;
  hyperparameters?: Record<string, unknown>;
  seed?: number;
  backend?: BackendName | 'auto';
  /** Measure the backends again instead of using the remembered choice (after a driver or browser change). */
  remeasureBackend?: boolean;
  /** Retrain from a registered model version's weights (same algorithm, features and classes) instead of a fresh init. */
  warmStart?: { model: string };
}

export interface TuneRequest {
  preparation: string;
  algorithm: Algorithm;
  /** Hyperparameters every candidate shares. */
  base?: Record<string, unknown>;
  /** Values to try per hyperparameter. */
  space: Record<string, Distribution>;
  method: 'grid' | 'random' | 'halving';
  /** Random search: how many candidates. */
  count?: number;
  seed?: number;
  backend?: BackendName | 'auto';
  remeasureBackend?: boolean;
}

export interface TrainJobProgress {
  stage: 'backend' | 'load' | 'train' | 'evaluate' | 'save';
  done: number;
  total: number;
  epoch?: EpochLog;
  /** Once, when training starts: the run's fixed part (what a cancelled run is kept with). */
  start?: TrainStart;
  /** Auto and tuning: a candidate just scored (as a run stores it). */
  trial?: StoredTrial;
  backend?: string;
  /** Choosing a backend: the one being measured (the first job on a device measures each, several seconds). */
  measuring?: string;
  note?: string;
  /** Training started again from the first epoch (on another backend): earlier epoch logs no longer apply. */
  restart?: boolean;
}

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainJobProgress) => void;
  database?: EnclaveDB;
}

async function splitsFor(database: EnclaveDB, prepId: string, compact = false) {
  const prep = await getPreparation(database, prepId);
  const target = prep.split.target;
  if (!target) throw new EnclaveError('invalid-target', 'This preparation has no target column: choose one on the Prepare page and prepare again.');
  if (compact) {
    // Logistic regression by L-BFGS: compact rows, no dense matrix (load-dataset.ts).
    const train = await loadCompactDataset(database, prep.splits.train, target);
    const validation = await loadCompactDataset(database, prep.splits.validation, target, train.shape, train.compact?.denseColumns);
    return { prep, target, train, validation };
  }
  // Column by column into the matrix (load-dataset.ts): at millions of rows a prepared table is gigabytes.
  const train = await loadDataset(database, prep.splits.train, target);
  const validation = await loadDataset(database, prep.splits.validation, target, train.shape);
  return { prep, target, train, validation };
}

/** Train (one algorithm, or auto) on a stored preparation and keep the run with its model. */
export async function train(req: TrainRequest, opts: JobOptions = {}): Promise<RunRecord> {
  const database = opts.database ?? defaultDb();
  // A registered version's weights are its run's artifact (validated as a saved model when training starts).
  const initial = req.warmStart ? await getArtifact(database, (await getModel(database, req.warmStart.model)).run) : undefined;
  return fitAndStore(req, { kind: 'train', algorithm: req.algorithm, hyperparameters: req.hyperparameters, ...(initial !== undefined ? { initial } : {}) }, { ...opts, database });
}

/** Grid, random search or successive halving, scored on validation; the best is kept as a run with every trial. */
export function tune(req: TuneRequest, opts: JobOptions = {}): Promise<RunRecord> {
  return fitAndStore(req, { kind: 'tune', algorithm: req.algorithm, base: req.base, space: req.space, method: req.method, count: req.count }, opts);
}

async function fitAndStore(req: TrainRequest | TuneRequest, fit: FitRequest, opts: JobOptions): Promise<RunRecord> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  if (req.seed !== undefined) checkSeed(req.seed);
  onProgress?.({ stage: 'backend', done: 0, total: 1 });
  // 'auto' measures each backend once per device and browser version, then remembers the choice (settings table).
  // Logistic regression by L-BFGS trains and scores in Enclave's own kernels, not in tfjs: measuring tfjs's backends
  // (seconds, on a new device) would choose nothing it uses, so it takes WebAssembly's (the model's tensors live there).
  const preferred = (req.backend ?? 'auto') === 'auto' && readsCompactRows(fit) ? 'wasm' : (req.backend ?? 'auto');
  const backend = await initBackend(preferred, {
    memory: settingsBackendMemory(database),
    ...(req.remeasureBackend ? { remeasure: true } : {}),
    onMeasure: (m) => onProgress?.({ stage: 'backend', done: m.done, total: m.total, measuring: backendLabel(m.backend) })
  });
  onProgress?.({ stage: 'load', done: 0, total: 1, backend: backend.name, ...(backend.note ? { note: backend.note } : {}) });
  const { prep, target, train: trainData, validation } = await splitsFor(database, req.preparation, readsCompactRows(fit));
  throwIfAborted(signal);
  const seed = req.seed ?? prep.split.seed;
  const t0 = performance.now();
  let on: string = backend.name;
  const start = trainStart(fit, seed, trainData);
  if (start) onProgress?.({ stage: 'load', done: 1, total: 1, backend: backend.name, start });
  // Said before the first epoch ends: at millions of rows one epoch is a minute, not "Loading" still.
  onProgress?.({ stage: 'train', done: 0, total: 1, backend: backend.name });
  const result = await trainOnSplits(fit, { train: trainData, validation }, {
    seed, target, backend: backend.name, signal,
    onProgress: (p) => {
      on = p.backend;
      onProgress?.({ stage: 'train', done: p.done, total: p.total, backend: p.backend, ...(p.epoch ? { epoch: p.epoch } : {}), ...(p.trial ? { trial: storedTrial(p.trial) } : {}), ...(p.note ? { note: p.note, restart: true } : {}) });
    },
    onAssess: (p) => onProgress?.({ stage: 'evaluate', done: p.done, total: p.total, backend: on })
  });
  let model: SavedModel;
  try {
    throwIfAborted(signal);
    model = result.outcome.model.toJSON();
  } finally {
    result.outcome.model.dispose();
  }
  const run = runRecord(prep, target, trainData, result, seed, performance.now() - t0);
  onProgress?.({ stage: 'save', done: 0, total: 1, backend: result.backend });
  // The run (small: the pages list it) and its model (the artifact) in one transaction: both or neither.
  await saveRunWithArtifact(database, run, model);
  return run;
}

/** The run's fixed part, or null when the request is refused (the fit says why). */
function trainStart(fit: FitRequest, seed: number, data: Dataset): TrainStart | null {
  let hyperparameters: Record<string, unknown>;
  if (fit.kind === 'tune') hyperparameters = { ...(fit.base ?? {}) };
  else if (fit.algorithm === 'auto') hyperparameters = {};
  else {
    try {
      hyperparameters = parseSpec({ algorithm: fit.algorithm, hyperparameters: fit.hyperparameters ?? {} }).hyperparameters as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  const { task, features, classNames } = data.shape;
  return { algorithm: fit.algorithm, hyperparameters, seed, task, features, ...(classNames ? { classNames } : {}) };
}

/** A trial as a run stores it: plain JSON, a failed score (−Infinity) as null, its curve thinned for the leaderboard. */
function storedTrial(t: TrialResult): StoredTrial {
  const { validation: _scores, ...rest } = t;
  return JSON.parse(JSON.stringify({ ...rest, ...(t.history ? { history: thinned(t.history) } : {}) })) as StoredTrial;
}

/** At most `max` epochs, evenly spaced, the first and last kept: a search of 200 candidates stays a small record. */
export function thinned<T>(history: readonly T[], max = 100): T[] {
  if (history.length <= max) return [...history];
  return Array.from({ length: max }, (_, i) => history[Math.round((i * (history.length - 1)) / (max - 1))]);
}

function runRecord(prep: PreparationRecord, target: string, trainData: Dataset, r: TrainedOnSplits, seed: number, durationMs: number): RunRecord {
  const { outcome } = r;
  return {
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
    backend: r.backend,
    ...(outcome.engine ? { engine: outcome.engine } : {}),
    ...(outcome.threads ? { threads: outcome.threads } : {}),
    status: 'completed',
    history: outcome.history,
    metrics: r.metrics,
    evaluation: r.evaluation,
    durationMs,
    created: Date.now(),
    features: trainData.shape.features,
    classNames: trainData.shape.classNames,
    // Plain data (structured-clone and JSON safe): specs hold nothing else.
    ...(r.trials ? { trials: r.trials.map(storedTrial) } : {})
  };
}

/**
 * The backend a run trained on (or the next available after it): its test scores and analyses then come from the same
 * arithmetic as its validation scores, so the studio and the headless runner report the same numbers.
 */
export function trainedOn(run: RunRecord): BackendName | undefined {
  return (BACKEND_ORDER as readonly string[]).includes(run.backend) ? (run.backend as BackendName) : undefined;
}

/** The backend a registered version's run trained on (undefined for an imported version: the first that starts). */
export async function versionBackend(database: EnclaveDB, version: ModelRecord): Promise<BackendName | undefined> {
  const run = await getRun(database, version.run).catch(() => undefined);
  return run ? trainedOn(run) : undefined;
}

/** Where a promotion is: `done` of `total` steps (read the run, start its backend, load the test split, score, register). */
export interface PromoteProgress {
  stage: 'load' | 'backend' | 'test' | 'score' | 'register';
  done: number;
  total: number;
}

/** Score the sealed test split once and register the run's model as a new version of `name`. */
export async function promote(runId: string, name: string, database: EnclaveDB = defaultDb(), signal?: AbortSignal, onProgress?: (p: PromoteProgress) => void): Promise<ModelRecord> {
  const step = (stage: PromoteProgress['stage'], done: number) => onProgress?.({ stage, done, total: 5 });
  step('load', 0);
  const run = await getRun(database, runId);
  if (run.status !== 'completed') throw new EnclaveError('invalid-argument', `This run was ${run.status} before it finished: it has no model to promote. Train again and promote the finished run.`, { run: run.id });
  if (run.metrics.test) throw new EnclaveError('invalid-argument', 'This run was already promoted: its test split has been scored once and stays sealed.');
  const prep = await getPreparation(database, run.preparation);
  step('backend', 1);
  await initBackend(trainedOn(run));
  step('test', 2);
  const trainShape = { task: run.task, features: run.features, classNames: run.classNames };
  const model = modelFromJSON(await getArtifact(database, run.id));
  let scored;
  try {
    // A linear model scores compact rows (no dense matrix of the test split).
    const test = model.predictRows
      ? await loadCompactDataset(database, prep.splits.test, run.target, trainShape)
      : await loadDataset(database, prep.splits.test, run.target, trainShape);
    step('score', 3);
    scored = await scoreSealedTest(model, test);
  } finally {
    model.dispose();
  }
  throwIfAborted(signal);
  step('register', 4);
  // What a person enters to get a prediction: the source columns, before the recipe.
  const source = await getVersion(database, prep.source);
  const record = await registerModelVersion(database, {
    run, name, testScores: scored.scores, testReport: scored.report, source: prep.source, fitted: prep.fitted,
    inputSchema: (source?.schema ?? []).filter((f) => f.name !== run.target)
  });
  await recordModelEvent(database, { action: 'register', model: record });
  step('register', 5);
  return record;
}

/**
 * Predictions for raw records (as a person would enter them): the fitted recipe, then the model. A record is a list of
 * [column, value] pairs or a Map (a feature may be named "__proto__"), or a plain object (its own keys).
 */
export async function predict(modelId: string, records: readonly InputRecord[], database: EnclaveDB = defaultDb(), signal?: AbortSignal): Promise<Predictions> {
  const m = await getModel(database, modelId);
  // A model version's weights are its run's artifact.
  const saved = await getArtifact(database, m.run);
  await initBackend(await versionBackend(database, m));
  const model = modelFromJSON(saved);
  try {
    return await predictRecords(model, m, records, signal);
  } finally {
    model.dispose();
  }
}

/**
 * A cancelled training keeps what it learned so far: its curves (the epochs the page received), the candidates it
 * had tried (auto, tuning), status 'cancelled', and no model. Cancel terminates the train worker (the only way to stop
 * a synchronous step), so the worker cannot store it: the page follows the job's progress with `followTrainProgress`
 * and, once the job says it was cancelled, stores `cancelledRun(…)` with `saveCancelledRun` (./runs.ts).
 */
import type { EpochLog } from '../ml/train.ts';
import type { PreparationRecord, RunRecord } from './db.ts';

export type StoredTrial = NonNullable<RunRecord['trials']>[number];

/** What the train job says once its data is loaded and its request checked (the run's fixed part). */
export interface TrainStart {
  algorithm: string;
  /** With every default filled in, as a finished run stores them. */
  hyperparameters: Record<string, unknown>;
  seed: number;
  task: RunRecord['task'];
  features: string[];
  classNames?: string[];
}

/** One progress event of a train or tune job, as far as the cancelled run needs it. */
export interface TrainEvent {
  start?: TrainStart;
  epoch?: EpochLog;
  trial?: StoredTrial;
  backend?: string;
  /** Training started again from the first epoch (on another backend): what came before no longer applies. */
  restart?: boolean;
}

export interface TrainLog {
  start: TrainStart | null;
  history: EpochLog[];
  trials: StoredTrial[];
  backend: string;
  startedAt: number;
}

export function newTrainLog(now = Date.now()): TrainLog {
  return { start: null, history: [], trials: [], backend: '', startedAt: now };
}

/** The log after one event (a new object: pages keep it in state). */
export function followTrainProgress(log: TrainLog, p: TrainEvent): TrainLog {
  const restarted = p.restart === true;
  return {
    start: p.start ?? log.start,
    history: [...(restarted ? [] : log.history), ...(p.epoch ? [p.epoch] : [])],
    trials: [...(restarted ? [] : log.trials), ...(p.trial ? [p.trial] : [])],
    backend: p.backend ?? log.backend,
    startedAt: log.startedAt
  };
}

/**
 * The run to keep for a cancelled job, or null when it had not trained anything yet (cancelled while choosing a
 * backend or loading: nothing to compare).
 */
export function cancelledRun(prep: PreparationRecord, log: TrainLog, now = Date.now()): RunRecord | null {
  const s = log.start;
  if (!s || !prep.split.target || (!log.history.length && !log.trials.length)) return null;
  return {
    id: crypto.randomUUID(),
    dataset: prep.dataset,
    preparation: prep.id,
    version: prep.splits.train,
    recipe: prep.recipe,
    split: prep.split,
    target: prep.split.target,
    task: s.task,
    algorithm: s.algorithm,
    hyperparameters: s.hyperparameters,
    seed: s.seed,
    backend: log.backend,
    status: 'cancelled',
    history: log.history,
    metrics: {},
    durationMs: Math.max(0, now - log.startedAt),
    created: now,
    features: s.features,
    ...(s.classNames ? { classNames: s.classNames } : {}),
    ...(log.trials.length ? { trials: log.trials } : {})
  };
}

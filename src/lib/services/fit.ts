/**
 * Fitting a model on prepared train/validation splits: one algorithm with early stopping, 'auto' (candidates scored on
 * validation, the best few averaged) or a hyperparameter search (grid, random, successive halving). On a lost device
 * or non-finite values it restarts from the start on the next backend (ml/fallback.ts). Store-free: the train job
 * and the headless pipeline both call it, so the studio and the CLI train the same model from the same inputs.
 */
import { EnclaveError } from '../core/errors.ts';
import type { BackendName } from '../ml/backend.ts';
import { autoTrain } from '../ml/auto.ts';
import { fallbackNote, withBackendFallback } from '../ml/fallback.ts';
import type { Dataset } from '../ml/matrix.ts';
import { parseSpec, supportsTask, type Algorithm, type ModelSpecInput } from '../ml/models/spec.ts';
import { trainModel, type EpochLog, type TrainOutcome } from '../ml/train.ts';
import type { WarmStart } from '../ml/warm-start.ts';
import { evaluateCandidates, gridSpecs, randomSpecs, successiveHalving, type Distribution, type TrialResult } from '../ml/tune.ts';

export type FitRequest =
  | {
      kind: 'train';
      algorithm: 'auto' | Algorithm;
      hyperparameters?: Record<string, unknown>;
      /** Start from these weights (a champion's, the federation's global model) instead of the seeded init. */
      initial?: WarmStart;
    }
  | {
      kind: 'tune';
      algorithm: Algorithm;
      /** Hyperparameters every candidate shares. */
      base?: Record<string, unknown>;
      /** Values (or, for random search, a range) to try per hyperparameter. */
      space: Record<string, Distribution>;
      method: 'grid' | 'random' | 'halving';
      /** Random search: how many candidates (default 8). */
      count?: number;
    };

export interface FitProgress {
  /** Epochs (one algorithm) or trials (auto, tuning). */
  done: number;
  total: number;
  epoch?: EpochLog;
  trial?: TrialResult;
  backend: BackendName;
  /** Why training restarted (a lost device, non-finite values). */
  note?: string;
  /** Training started again from the first epoch: earlier epoch logs no longer apply. */
  restart?: boolean;
}

export interface FitControl {
  seed: number;
  /** The target column (named in messages). */
  target: string;
  /** The active backend (initBackend's choice): the first attempt runs on it. */
  backend: BackendName;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

export interface FitResult {
  outcome: TrainOutcome;
  /** Auto and tuning: every candidate with its validation score. */
  trials?: TrialResult[];
  /** The backend that produced the model (after any fallback). */
  backend: BackendName;
}

const MAX_CANDIDATES = 200;

/**
 * Whether this request trains one logistic regression by L-BFGS: its splits are then made as compact rows
 * (ml/compact-dataset.ts), which its solver and its scores read without a dense matrix.
 */
export function readsCompactRows(req: FitRequest): boolean {
  if (req.kind !== 'train' || req.algorithm !== 'logistic') return false;
  try {
    return (parseSpec({ algorithm: 'logistic', hyperparameters: req.hyperparameters ?? {} }).hyperparameters as { optimizer?: string }).optimizer === 'lbfgs';
  } catch {
    return false; // refused later, with its reason, by checkFitRequest
  }
}

/** Refuses what cannot work before any training starts: an unknown spec, a task the algorithm can't predict, a huge search. */
export function checkFitRequest(req: FitRequest, data: Dataset, target: string): void {
  const task = data.shape.task;
  if (req.algorithm !== 'auto' && !supportsTask(req.algorithm, task))
    throw new EnclaveError('invalid-argument', `"${target}" is a ${task} target; ${req.algorithm} can't predict it (choose ${task === 'classification' ? 'logistic, mlp, knn' : 'linear, mlp, knn'} or auto).`, { algorithm: req.algorithm, task });
  if (req.kind === 'train' && req.algorithm !== 'auto') parseSpec({ algorithm: req.algorithm, hyperparameters: req.hyperparameters ?? {} });
  if (req.kind === 'train' && req.algorithm === 'auto' && req.initial !== undefined)
    throw new EnclaveError('invalid-argument', 'A warm start continues one model: choose its algorithm (logistic or mlp), not auto.');
}

export async function fitModel(req: FitRequest, train: Dataset, validation: Dataset, ctl: FitControl): Promise<FitResult> {
  checkFitRequest(req, train, ctl.target);
  const { seed, signal, onProgress } = ctl;
  const search = req.kind === 'tune' ? searchSpecs(req, seed) : null;
  const job = req.kind === 'tune' ? 'tuning' : 'training';
  const { result, backend } = await withBackendFallback(async ({ backend: on, signal: attempt }): Promise<FitResult> => {
    // A stopped attempt (device lost) may still report: its progress no longer applies.
    const report = (p: Omit<FitProgress, 'backend'>) => attempt.aborted || onProgress?.({ ...p, backend: on });
    const onTrial = (p: { done: number; total: number; result: TrialResult }) => report({ done: p.done, total: p.total, trial: p.result });
    if (req.kind === 'tune') {
      const opts = { seed, signal: attempt, onTrial };
      const r = req.method === 'halving' ? await successiveHalving(search!, train, validation, opts) : await evaluateCandidates(search!, train, validation, opts);
      return { outcome: r.outcome, trials: r.trials, backend: on };
    }
    if (req.algorithm === 'auto') {
      const r = await autoTrain(train, validation, { seed, signal: attempt, onTrial });
      return { outcome: r.outcome, trials: r.trials, backend: on };
    }
    const spec = parseSpec({ algorithm: req.algorithm, hyperparameters: req.hyperparameters ?? {} });
    const total = 'epochs' in spec.hyperparameters ? spec.hyperparameters.epochs : 1;
    const outcome = await trainModel(spec, train, {
      seed, validation, signal: attempt, onEpoch: (epoch) => report({ done: epoch.epoch, total, epoch }),
      ...(req.initial !== undefined ? { initial: req.initial } : {})
    });
    return { outcome, backend: on };
  }, {
    backend: ctl.backend,
    signal,
    onFallback: (e) => onProgress?.({ done: 0, total: 1, backend: e.to, note: fallbackNote(e, job), restart: true }),
    discard: (r) => r.outcome.model.dispose()
  });
  return { ...result, backend };
}

function searchSpecs(req: Extract<FitRequest, { kind: 'tune' }>, seed: number) {
  const base: ModelSpecInput = { algorithm: req.algorithm, hyperparameters: req.base ?? {} };
  const specs = req.method === 'random' ? randomSpecs(base, req.space, req.count ?? 8, seed) : gridSpecs(base, req.space as Record<string, unknown[]>);
  if (specs.length > MAX_CANDIDATES) throw new EnclaveError('invalid-argument', `That search has ${specs.length} candidates; keep it to ${MAX_CANDIDATES} or fewer.`);
  return specs;
}

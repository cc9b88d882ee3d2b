/**
 * Training. Linear regression is solved in closed form and kNN stores its rows; logistic regression with optimizer
 * 'lbfgs' is solved full-batch as scikit-learn does (models/logistic-lbfgs.ts); otherwise logistic regression and the MLP go
 * through one seeded epoch loop (network-fit.ts) with two engines: Enclave's WebAssembly SIMD kernels on the wasm
 * backend, and a low-overhead tfjs gradient loop on the others (see engine-*.ts).
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { checkSeed } from '../core/seed.ts';
import type { Dataset } from './matrix.ts';
import { checkFiniteDataset } from './non-finite.ts';
import { EnsembleModel, loadModel } from './models/ensemble.ts';
import { KnnModel } from './models/knn.ts';
import { fitLinear } from './models/linear.ts';
import { fitLogisticLbfgs } from './models/logistic-lbfgs.ts';
import { fitNetwork, type EngineChoice } from './network-fit.ts';
import { parseSaved, type TrainedModel } from './models/saved.ts';
import { parseSpec, specSupports, type ModelSpec, type ModelSpecInput } from './models/spec.ts';
import { checkWarmStartable, type WarmStart } from './warm-start.ts';

export interface EpochLog {
  epoch: number;
  /** Mean training loss of the epoch (cross-entropy, or squared error of the standardised target), without L2. */
  loss: number;
  /** Accuracy, or RMSE in the target's units (on the training batches as they were seen, dropout on). */
  metric: number;
  valLoss?: number;
  valMetric?: number;
}

export interface TrainOptions {
  /** Seeds initial weights, shuffles and dropout: a whole number 0 … 2³² − 1 (core/seed.ts). Default 42. */
  seed?: number;
  /** Scored every epoch; early stopping watches its loss. */
  validation?: Dataset;
  signal?: AbortSignal;
  onEpoch?: (log: EpochLog) => void;
  /** Which code trains a dense network (default 'auto': the native kernels on the wasm backend, tfjs elsewhere). */
  engine?: EngineChoice;
  /**
   * Warm start (logistic regression and the MLP): train from these weights — a model of the same algorithm, hidden
   * layers, features and classes, or its saved JSON — instead of the seeded init (see warm-start.ts). The seed still
   * drives the shuffles and dropout, so a warm-started run is reproducible; the optimiser's state starts fresh.
   */
  initial?: WarmStart;
}

export interface TrainOutcome {
  model: TrainedModel;
  metric: 'accuracy' | 'rmse';
  history: EpochLog[];
  /** Epochs run (0 for closed-form fits and kNN). */
  epochs: number;
  /** The epoch whose weights were kept (early stopping restores the best one). */
  bestEpoch?: number;
  stoppedEarly: boolean;
  ms: number;
  /** What trained a dense network: Enclave's WebAssembly SIMD kernels ('native') or tfjs. */
  engine?: 'native' | 'tfjs';
  /** Threads the solve ran on (logistic regression by L-BFGS: the rows are split between them). */
  threads?: number;
  /**
   * Dense networks: the starting weights scored before any update (epoch 0; the given weights of a warm start, else the
   * seeded init) — loss and metric over the training rows (no dropout, no class weights), and on validation. Not in
   * `history`, whose entries are trained epochs.
   */
  start?: EpochLog;
}

export const DEFAULT_SEED = 42;

export async function trainModel(specInput: ModelSpec | ModelSpecInput, data: Dataset, opts: TrainOptions = {}): Promise<TrainOutcome> {
  const spec = parseSpec(specInput);
  const seed = checkSeed(opts.seed ?? DEFAULT_SEED);
  const task = data.shape.task;
  if (!specSupports(spec, task))
    throw new EnclaveError('invalid-argument', `${task === 'classification' ? 'Linear regression predicts numbers' : 'Logistic regression predicts classes'}; this target is a ${task} task: choose ${task === 'classification' ? 'logistic, mlp or knn' : 'linear, mlp or knn'}.`, { algorithm: spec.algorithm, task });
  if (opts.initial !== undefined) checkWarmStartable(spec);
  if (data.n === 0) throw new EnclaveError('invalid-argument', 'There are no training rows.');
  checkFiniteDataset(data, 'training');
  if (opts.validation) checkFiniteDataset(opts.validation, 'validation');
  throwIfAborted(opts.signal);
  const metric = task === 'classification' ? 'accuracy' : 'rmse';
  const t0 = performance.now();
  if (spec.algorithm === 'linear') return { model: fitLinear(data, spec.hyperparameters, seed), metric, history: [], epochs: 0, stoppedEarly: false, ms: performance.now() - t0 };
  if (spec.algorithm === 'ensemble') {
    const members: TrainOutcome[] = [];
    try {
      for (const m of spec.hyperparameters.members) members.push(await trainModel(m, data, opts));
    } catch (e) {
      members.forEach((o) => o.model.dispose());
      throw e;
    }
    const first = members[0];
    return { ...first, model: new EnsembleModel(members.map((o) => o.model)), ms: performance.now() - t0 };
  }
  if (spec.algorithm === 'knn') return { model: KnnModel.fit(data, spec.hyperparameters, seed), metric, history: [], epochs: 0, stoppedEarly: false, ms: performance.now() - t0 };
  const out = spec.algorithm === 'logistic' && spec.hyperparameters.optimizer === 'lbfgs' ? await fitLogisticLbfgs(spec, data, seed, opts) : await fitNetwork(spec, data, seed, opts);
  return { ...out, metric, ms: performance.now() - t0 };
}

/** Rebuild a saved model (the JSON of model.toJSON(), as an object or text); it predicts as the original did. */
export function modelFromJSON(json: unknown): TrainedModel {
  return loadModel(parseSaved(json));
}

export { balancedWeights } from './network-fit.ts';

/**
 * Fitting a dense network (logistic regression, MLP): the epoch loop shared by both engines — the tfjs loop
 * (engine-tfjs.ts) and Enclave's WebAssembly SIMD kernels (engine-native.ts, what the 'wasm' backend uses):
 *   - weights are initialised from the seeded PRNG (Glorot uniform, zero biases), or given (a warm start,
 *     warm-start.ts); each epoch's shuffle comes from the PRNG, and so do the dropout seeds, so the same seed (and
 *     starting weights) gives the same run on the same backend;
 *   - the starting weights are scored once before any update (TrainOutcome.start);
 *   - one readback per epoch (loss and metric sums on train and validation), none per batch;
 *   - early stopping on the validation loss (patience epochs), restoring the best weights;
 *   - a NaN or ±Infinity in an epoch's readback, or in the final weights, is an EnclaveError 'non-finite' (non-finite.ts);
 *   - the AbortSignal is checked between batches (EnclaveError 'cancelled'), and other tasks get to run every ~25 ms.
 */
import * as tf from '@tensorflow/tfjs';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { nextTask } from '../core/next-task.ts';
import { seeded, type Random } from '../core/random.ts';
import type { Dataset } from './matrix.ts';
import { architecture, flatten, initialWeights, NetworkModel, unflattenValues, type Architecture } from './models/network.ts';
import type { ModelSpec } from './models/spec.ts';
import { loadDenseKernels } from './native/dense.ts';
import { tfjsEngine } from './engine-tfjs.ts';
import { nativeEngine } from './engine-native.ts';
import { firstNonFinite, nonFiniteTraining } from './non-finite.ts';
import { startingWeights } from './warm-start.ts';
import type { EpochLog, TrainOptions, TrainOutcome } from './train.ts';

/** What each value of an epoch's readback is (engine.epoch's result), for messages. */
const QUANTITIES = ['training loss', 'training metric', 'validation loss', 'validation metric'];

export type NetSpec = Extract<ModelSpec, { algorithm: 'logistic' | 'mlp' }>;

export interface EngineInput {
  arch: Architecture;
  data: Dataset;
  validation: Dataset | null;
  hp: { optimizer: 'adam' | 'sgd'; learningRate: number; l2: number; batchSize: number };
  /** Per-class loss weights, or null. */
  classWeight: Float32Array | null;
  /** How a regression target is standardised. */
  target?: { mean: number; std: number };
  rng: Random;
  initial: Float32Array;
}

export interface NetEngine {
  /** Loss and metric sums of the current weights on train (then validation): no update, no dropout, no class weights. */
  score(): Promise<ArrayLike<number>>;
  /** One epoch over `order` (a permutation of the training rows): loss and metric sums on train (then validation). */
  epoch(order: Int32Array, checkpoint: () => void | Promise<void>): Promise<ArrayLike<number>>;
  keepBest(): void;
  restoreBest(): void;
  weights(): Promise<Float32Array>;
  dispose(): void;
}

/** Which code trains a dense network: 'auto' is the native kernels on the wasm backend, tfjs elsewhere. */
export type EngineChoice = 'auto' | 'tfjs' | 'native';

/** 'balanced' as scikit-learn: n / (classes · count of the class). */
export function balancedWeights(y: Int32Array, k: number): Float32Array {
  const counts = new Float64Array(k);
  for (const c of y) counts[c]++;
  return Float32Array.from(counts, (c) => (c ? y.length / (k * c) : 0));
}

/** Mean and standard deviation of a regression target (std 1 when constant), so the network learns a unit-scale value. */
function standardiser(y: Float32Array): { mean: number; std: number } {
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let ss = 0;
  for (const v of y) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / y.length);
  return { mean, std: std > 0 ? std : 1 };
}

/** The engine a run gets: the native kernels when asked, or on 'auto' when tfjs runs on wasm and they load. */
async function pickEngine(choice: EngineChoice, input: EngineInput): Promise<{ engine: NetEngine; name: 'tfjs' | 'native' }> {
  if (choice === 'tfjs' || (choice === 'auto' && tf.getBackend() !== 'wasm')) return { engine: tfjsEngine(input), name: 'tfjs' };
  const kernels = await loadDenseKernels();
  if (!kernels) {
    if (choice === 'native') throw new EnclaveError('internal', 'WebAssembly SIMD is not available here: the native training engine cannot run.');
    return { engine: tfjsEngine(input), name: 'tfjs' };
  }
  try {
    return { engine: nativeEngine(kernels, input), name: 'native' };
  } catch (e) {
    // WebAssembly memory is capped (4 GiB): a split too large for it trains with tfjs instead.
    if (choice === 'native' || !(e instanceof RangeError)) throw e;
    return { engine: tfjsEngine(input), name: 'tfjs' };
  }
}

export async function fitNetwork(spec: NetSpec, data: Dataset, seed: number, opts: TrainOptions): Promise<Omit<TrainOutcome, 'metric' | 'ms'>> {
  const hp = spec.hyperparameters;
  const optimizer = hp.optimizer;
  if (optimizer === 'lbfgs') throw new EnclaveError('internal', 'L-BFGS is a full-batch solve: trainModel routes it to models/logistic-lbfgs.ts, not the epoch loop.');
  const { shape, n } = data;
  const arch = architecture(spec, shape);
  const classification = shape.task === 'classification';
  const k = arch.sizes[arch.sizes.length - 1];
  const rng = seeded(seed);
  // The seeded init is drawn even for a warm start, so the shuffles and dropout that follow are a cold run's.
  const seededInit = flatten(initialWeights(arch, rng));
  const given = opts.initial !== undefined ? startingWeights(spec, shape, opts.initial) : null;
  // Only the weights carry over: the optimiser (Adam's moments and step count) starts fresh in either engine.
  const initial = given?.weights ?? seededInit;
  // Given weights keep the target scale they were trained with: the network's output means nothing in another.
  const target = classification ? undefined : (given?.target ?? standardiser(data.y as Float32Array));
  const validation = opts.validation && opts.validation.n > 0 ? opts.validation : null;
  const classWeight = classification && hp.classWeight === 'balanced' ? balancedWeights(data.y as Int32Array, k) : null;
  const { engine, name } = await pickEngine(opts.engine ?? 'auto', { arch, data, validation, hp: { ...hp, optimizer }, classWeight, target, rng, initial });
  const metricOf = (sum: number, rows: number) => (classification ? sum / rows : Math.sqrt(sum / rows) * target!.std);

  const diverged = (at: number, quantity: string, value: number) =>
    nonFiniteTraining({ algorithm: spec.algorithm, epoch: at, backend: tf.getBackend(), engine: name, quantity, value, learningRate: hp.learningRate });

  const history: EpochLog[] = [];
  let start: EpochLog | undefined;
  const earlyStopping = validation !== null && hp.patience > 0;
  let best = { loss: Infinity, epoch: 0, kept: false };
  let stoppedEarly = false;
  let epoch = 0;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let lastYield = performance.now();
  const checkpoint = async () => {
    if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
    if (performance.now() - lastYield > 25) {
      await nextTask();
      lastYield = performance.now();
      if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
    }
  };
  try {
    const s0 = await engine.score();
    const bad0 = firstNonFinite(s0);
    if (bad0 >= 0) throw diverged(0, `${QUANTITIES[bad0]} of the starting weights`, s0[bad0]);
    start = { epoch: 0, loss: s0[0] / n, metric: metricOf(s0[1], n) };
    if (validation) (start.valLoss = s0[2] / validation.n), (start.valMetric = metricOf(s0[3], validation.n));
    for (epoch = 1; epoch <= hp.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      const v = await engine.epoch(order, checkpoint);
      // A NaN or ±Infinity stops the attempt: no earlier epoch's weights are kept in its place (that model would look
      // trained, and the backend that went non-finite is the one to distrust — the fallback tries the next one).
      const bad = firstNonFinite(v);
      if (bad >= 0) throw diverged(epoch, QUANTITIES[bad], v[bad]);
      const log: EpochLog = { epoch, loss: v[0] / n, metric: metricOf(v[1], n) };
      if (validation) (log.valLoss = v[2] / validation.n), (log.valMetric = metricOf(v[3], validation.n));
      history.push(log);
      opts.onEpoch?.(log);
      const watched = validation ? log.valLoss! : log.loss;
      if (earlyStopping) {
        if (watched < best.loss) {
          engine.keepBest();
          best = { loss: watched, epoch, kept: true };
        } else if (epoch - best.epoch >= hp.patience) {
          stoppedEarly = true;
          break;
        }
      }
      await checkpoint();
      throwIfAborted(opts.signal);
    }
    const epochs = Math.min(epoch, hp.epochs);
    if (best.kept) engine.restoreBest();
    const weights = await engine.weights();
    // The last batch's update comes after the epoch's training sums: without a validation split it is seen only here.
    const badWeight = firstNonFinite(weights);
    if (badWeight >= 0) throw diverged(best.kept ? best.epoch : epochs, 'weights', weights[badWeight]);
    const values = unflattenValues(weights, arch);
    const model = new NetworkModel(spec, shape, seed, values, target);
    return { model, history, start, epochs, bestEpoch: best.kept ? best.epoch : epochs, stoppedEarly, engine: name };
  } finally {
    engine.dispose();
  }
}

/**
 * Training. Linear regression is solved in closed form and kNN stores its rows; logistic regression and the MLP go
 * through one gradient loop written for low per-batch overhead (not model.fit):
 *   - the training split is uploaded once; each epoch uploads one shuffled index vector (seeded PRNG) and batches are
 *     gathered on the device;
 *   - all weights live in ONE flat variable (layers are views of it) updated by a flat Adam/SGD, so a step costs a few
 *     dozen kernels whatever the depth; each batch is one variableGrads + update inside tf.tidy;
 *   - the loss and metric sums stay on the device and are read back once per epoch, together with the validation loss
 *     and metric (one readback per epoch, none per batch);
 *   - weights are initialised from the seeded PRNG (Glorot uniform, zero biases) and dropout masks are seeded from it,
 *     so the same seed gives the same run on the same backend;
 *   - early stopping on the validation loss (patience epochs), restoring the best weights; the AbortSignal is checked
 *     between batches (EnclaveError 'cancelled').
 */
import * as tf from '@tensorflow/tfjs';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { seeded } from '../core/random.ts';
import type { Dataset } from './matrix.ts';
import { EnsembleModel, loadModel } from './models/ensemble.ts';
import { KnnModel } from './models/knn.ts';
import { fitLinear } from './models/linear.ts';
import { architecture, flatten, forward, initialWeights, NetworkModel, unflatten, unflattenValues } from './models/network.ts';
import { parseSaved, type TrainedModel } from './models/saved.ts';
import { parseSpec, specSupports, type ModelSpec, type ModelSpecInput } from './models/spec.ts';

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
  /** Seeds initial weights, shuffles and dropout. Default 42. */
  seed?: number;
  /** Scored every epoch; early stopping watches its loss. */
  validation?: Dataset;
  signal?: AbortSignal;
  onEpoch?: (log: EpochLog) => void;
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
}

export const DEFAULT_SEED = 42;

export async function trainModel(specInput: ModelSpec | ModelSpecInput, data: Dataset, opts: TrainOptions = {}): Promise<TrainOutcome> {
  const spec = parseSpec(specInput);
  const seed = opts.seed ?? DEFAULT_SEED;
  const task = data.shape.task;
  if (!specSupports(spec, task))
    throw new EnclaveError('invalid-argument', `${task === 'classification' ? 'Linear regression predicts numbers' : 'Logistic regression predicts classes'}; this target is a ${task} task: choose ${task === 'classification' ? 'logistic, mlp or knn' : 'linear, mlp or knn'}.`, { algorithm: spec.algorithm, task });
  if (data.n === 0) throw new EnclaveError('invalid-argument', 'There are no training rows.');
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
  const out = await fitNetwork(spec, data, seed, opts);
  return { ...out, metric, ms: performance.now() - t0 };
}

/** Rebuild a saved model (the JSON of model.toJSON(), as an object or text); it predicts as the original did. */
export function modelFromJSON(json: unknown): TrainedModel {
  return loadModel(parseSaved(json));
}

/** 'balanced' as scikit-learn: n / (classes · count of the class). */
export function balancedWeights(y: Int32Array, k: number): Float32Array {
  const counts = new Float64Array(k);
  for (const c of y) counts[c]++;
  return Float32Array.from(counts, (c) => (c ? y.length / (k * c) : 0));
}

/** Let other tasks (a cancel message, a timer) run: setImmediate in Node, a MessageChannel hop in browsers. */
function yieldToEvents(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((r) => setImmediate(r));
  if (typeof MessageChannel === 'function') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => (ch.port1.close(), r());
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

type NetSpec = Extract<ModelSpec, { algorithm: 'logistic' | 'mlp' }>;

/**
 * Adam (as Keras: ε = 1e-7, bias-corrected moments) or plain SGD on one flat parameter vector: a dozen kernels per
 * step whatever the depth (tf.train.adam runs ~15 per variable, and creates its scalars anew every step).
 */
function flatOptimizer(kind: 'adam' | 'sgd', lr: number, size: number) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-7];
  // tf.variable shares its initial tensor's data; tidy frees that tensor, the variable stays.
  const m = kind === 'adam' ? tf.tidy(() => tf.variable(tf.zeros([size]), false)) : null;
  const v = kind === 'adam' ? tf.tidy(() => tf.variable(tf.zeros([size]), false)) : null;
  const c = { b1: tf.scalar(b1), b1c: tf.scalar(1 - b1), b2: tf.scalar(b2), b2c: tf.scalar(1 - b2), eps: tf.scalar(eps), lr: tf.scalar(lr) };
  let t = 0;
  return {
    /** θ ← θ − step(g); call inside tf.tidy. */
    apply(theta: tf.Variable, g: tf.Tensor) {
      if (!m || !v) return theta.assign(tf.sub(theta, tf.mul(g, c.lr)));
      t++;
      m.assign(tf.add(tf.mul(m, c.b1), tf.mul(g, c.b1c)));
      v.assign(tf.add(tf.mul(v, c.b2), tf.mul(tf.square(g), c.b2c)));
      const vHat = tf.mul(v, tf.scalar(1 / (1 - b2 ** t)));
      const step = tf.div(tf.mul(m, tf.scalar(lr / (1 - b1 ** t))), tf.add(tf.sqrt(vHat), c.eps));
      theta.assign(tf.sub(theta, step));
    },
    dispose() {
      m?.dispose();
      v?.dispose();
      Object.values(c).forEach((x) => x.dispose());
    },
  };
}

async function fitNetwork(spec: NetSpec, data: Dataset, seed: number, opts: TrainOptions): Promise<Omit<TrainOutcome, 'metric' | 'ms'>> {
  const hp = spec.hyperparameters;
  const { shape, n, d } = data;
  const arch = architecture(spec, shape);
  const classification = shape.task === 'classification';
  const k = arch.sizes[arch.sizes.length - 1];
  const rng = seeded(seed);
  const initial = flatten(initialWeights(arch, rng));
  const theta = tf.tidy(() => tf.variable(tf.tensor1d(initial), true));
  const target = classification ? undefined : standardiser(data.y as Float32Array);
  const owned: tf.Tensor[] = [theta];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const upload = (ds: Dataset) => ({
    n: ds.n,
    X: own(tf.tensor2d(ds.X, [ds.n, d])),
    Y: own(classification
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(ds.y as Int32Array, 'int32'), k).toFloat())
      : tf.tensor2d(Float32Array.from(ds.y, (v) => (v - target!.mean) / target!.std), [ds.n, 1])),
  });
  const train = upload(data);
  const val = opts.validation && opts.validation.n > 0 ? upload(opts.validation) : null;
  const W = classification && hp.classWeight === 'balanced'
    ? own(tf.tidy(() => tf.gather(tf.tensor1d(balancedWeights(data.y as Int32Array, k)), tf.tensor1d(data.y as Int32Array, 'int32'))))
    : null;
  // L2 on kernels only (as Keras' kernel_regularizer), added to the gradient directly: ∂(l2·Σw²)/∂w = 2·l2·w.
  const l2Grad = hp.l2 > 0 ? own(tf.tensor1d(flatten(arch.sizes.slice(1).map((fanOut, l) => ({ kernel: new Float32Array(arch.sizes[l] * fanOut).fill(2 * hp.l2), bias: new Float32Array(fanOut) }))))) : null;
  const optimizer = flatOptimizer(hp.optimizer, hp.learningRate, initial.length);
  const dropoutSeed = arch.dropout > 0 ? () => rng.int(0x7fffffff) : undefined;
  const metricOf = (sum: number, rows: number) => (classification ? sum / rows : Math.sqrt(sum / rows) * target!.std);

  /** [sum over rows of the loss, sum of correct answers or of squared errors] for one batch or split. */
  const sums = (out: tf.Tensor2D, y: tf.Tensor, w: tf.Tensor | null): [tf.Scalar, tf.Scalar] => {
    if (classification) {
      let ce: tf.Tensor = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(out)), 1));
      if (w) ce = tf.mul(ce, w);
      return [tf.sum(ce) as tf.Scalar, tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar];
    }
    const se = tf.sum(tf.square(tf.sub(out, y))) as tf.Scalar;
    return [se, se];
  };

  const history: EpochLog[] = [];
  const earlyStopping = val !== null && hp.patience > 0;
  let best = { loss: Infinity, epoch: 0, theta: null as tf.Tensor1D | null };
  let stoppedEarly = false;
  let epoch = 0;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let lastYield = performance.now();
  try {
    for (epoch = 1; epoch <= hp.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      const perm = tf.tensor1d(order, 'int32');
      let acc: tf.Tensor = tf.zeros([2]);
      try {
        for (let start = 0; start < n; start += hp.batchSize) {
          if (opts.signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
          const size = Math.min(hp.batchSize, n - start);
          const next = tf.tidy(() => {
            const ids = tf.slice(perm, [start], [size]);
            const xb = tf.gather(train.X, ids) as tf.Tensor2D;
            const yb = tf.gather(train.Y, ids);
            const wb = W ? tf.gather(W, ids) : null;
            // variableGrads runs its function in its own tidy: the batch's sums are kept out of it, then disposed here.
            const box: { stats?: tf.Tensor } = {};
            const { grads } = tf.variableGrads(() => {
              const [loss, metric] = sums(forward(unflatten(theta, arch), arch, xb, dropoutSeed), yb, wb);
              box.stats = tf.keep(tf.stack([loss, metric]));
              return tf.div(loss, size) as tf.Scalar;
            }, [theta]);
            const g = l2Grad ? tf.add(grads[theta.name], tf.mul(theta, l2Grad)) : grads[theta.name];
            optimizer.apply(theta, g);
            const sum = tf.add(acc, box.stats!);
            box.stats!.dispose();
            return sum;
          });
          acc.dispose();
          acc = next;
        }
      } finally {
        perm.dispose();
      }
      const all = tf.tidy(() => {
        if (!val) return acc.clone();
        const [loss, metric] = sums(forward(unflatten(theta, arch), arch, val.X), val.Y, null);
        return tf.concat([acc, tf.stack([loss, metric])]);
      });
      acc.dispose();
      const v = await all.data();
      all.dispose();
      const log: EpochLog = { epoch, loss: v[0] / n, metric: metricOf(v[1], n) };
      if (val) (log.valLoss = v[2] / val.n), (log.valMetric = metricOf(v[3], val.n));
      history.push(log);
      opts.onEpoch?.(log);
      const watched = val ? log.valLoss! : log.loss;
      if (!Number.isFinite(log.loss) || !Number.isFinite(watched)) {
        if (!best.theta) throw new EnclaveError('invalid-argument', `${spec.algorithm}: training diverged (the loss became ${log.loss}): lower learningRate (now ${hp.learningRate}).`, { algorithm: spec.algorithm, hyperparameter: 'learningRate' });
        stoppedEarly = true;
        break;
      }
      if (earlyStopping) {
        if (watched < best.loss) {
          best.theta?.dispose();
          best = { loss: watched, epoch, theta: tf.clone(theta) };
        } else if (epoch - best.epoch >= hp.patience) {
          stoppedEarly = true;
          break;
        }
      }
      if (performance.now() - lastYield > 25) {
        await yieldToEvents();
        lastYield = performance.now();
      }
      throwIfAborted(opts.signal);
    }
    const epochs = Math.min(epoch, hp.epochs);
    if (best.theta) theta.assign(best.theta);
    const values = unflattenValues((await theta.data()) as Float32Array, arch);
    const model = new NetworkModel(spec, shape, seed, values, target);
    return { model, history, epochs, bestEpoch: best.theta ? best.epoch : epochs, stoppedEarly };
  } finally {
    best.theta?.dispose();
    optimizer.dispose();
    owned.forEach((t) => t.dispose());
  }
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

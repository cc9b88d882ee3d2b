/**
 * Dense networks: linear and logistic regression are the 0-hidden-layer case, the MLP adds hidden layers. Weights are
 * tf.Variables named like Keras ("dense_1/kernel", "dense_1/bias"), initialised from the seeded PRNG: Glorot uniform
 * kernels (Keras' default), zero biases. The forward pass uses fused matMul+bias(+relu) to keep the op count (the
 * per-batch overhead) low.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../../core/random.ts';
import type { DataShape } from '../matrix.ts';
import { predictInBatches } from './batches.ts';
import { linearForward, linearForwardRows } from './linear-forward.ts';
import type { CompactRows } from '../solvers/compact-rows.ts';
import { parseSaved, savedHeader, saveWeight, weightOf, type LoadedModel, type SavedModel, type TrainedModel } from './saved.ts';
import type { ModelSpec } from './spec.ts';

export type Activation = 'relu' | 'tanh' | 'sigmoid';

export interface Architecture {
  /** Layer widths: [inputs, hidden…, outputs]. */
  sizes: number[];
  activation: Activation;
  dropout: number;
  /** softmax: class probabilities; linear: one value (regression). */
  output: 'softmax' | 'linear';
}

export type NetworkSpec = Extract<ModelSpec, { algorithm: 'linear' | 'logistic' | 'mlp' }>;

export function architecture(spec: NetworkSpec, shape: DataShape): Architecture {
  const d = shape.features.length;
  const out = shape.task === 'classification' ? shape.classNames!.length : 1;
  const output = shape.task === 'classification' ? 'softmax' : 'linear';
  if (spec.algorithm === 'mlp') {
    const h = spec.hyperparameters;
    return { sizes: [d, ...h.units, out], activation: h.activation, dropout: h.dropout, output };
  }
  return { sizes: [d, out], activation: 'relu', dropout: 0, output };
}

export interface Layer {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

export type LayerValues = { kernel: Float32Array; bias: Float32Array }[];

/** Weight values for every layer: Glorot-uniform kernels (limit √(6 / (fanIn + fanOut))) from `rng`, zero biases. */
export function initialWeights(arch: Architecture, rng: Random): LayerValues {
  const out: LayerValues = [];
  for (let l = 0; l + 1 < arch.sizes.length; l++) {
    const [fanIn, fanOut] = [arch.sizes[l], arch.sizes[l + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const kernel = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < kernel.length; i++) kernel[i] = (2 * rng.next() - 1) * limit;
    out.push({ kernel, bias: new Float32Array(fanOut) });
  }
  return out;
}

/** Sizes of the parameter blocks in flat order: kernel 1, bias 1, kernel 2, … */
export function blockSizes(arch: Architecture): number[] {
  return arch.sizes.slice(1).flatMap((fanOut, l) => [arch.sizes[l] * fanOut, fanOut]);
}

/** Every weight in one vector (the training loop updates a single variable: a few kernels per step, not per layer). */
export function flatten(values: LayerValues): Float32Array {
  const out = new Float32Array(values.reduce((s, w) => s + w.kernel.length + w.bias.length, 0));
  let at = 0;
  for (const w of values) {
    out.set(w.kernel, at);
    out.set(w.bias, at + w.kernel.length);
    at += w.kernel.length + w.bias.length;
  }
  return out;
}

export function unflattenValues(flat: Float32Array, arch: Architecture): LayerValues {
  const out: LayerValues = [];
  let at = 0;
  for (let l = 0; l + 1 < arch.sizes.length; l++) {
    const kn = arch.sizes[l] * arch.sizes[l + 1];
    out.push({ kernel: flat.slice(at, at + kn), bias: flat.slice(at + kn, at + kn + arch.sizes[l + 1]) });
    at += kn + arch.sizes[l + 1];
  }
  return out;
}

/** Layers as views of the flat vector: one split (its gradient is one concat) and free reshapes. */
export function unflatten(theta: tf.Tensor1D, arch: Architecture): Layer[] {
  const parts = tf.split(theta, blockSizes(arch));
  return arch.sizes.slice(1).map((fanOut, l) => ({
    kernel: tf.reshape(parts[2 * l], [arch.sizes[l], fanOut]) as tf.Tensor2D,
    bias: parts[2 * l + 1] as tf.Tensor1D,
  }));
}

/** Trainable variables (for the training loop) or plain tensors (for a model that only predicts). */
export function makeLayers(arch: Architecture, values: LayerValues, trainable = false): Layer[] {
  return values.map((w, l) => {
    const kernel = tf.tensor2d(w.kernel, [arch.sizes[l], arch.sizes[l + 1]]);
    const bias = tf.tensor1d(w.bias);
    if (!trainable) return { kernel, bias };
    const layer = { kernel: tf.variable(kernel, true) as tf.Tensor as tf.Tensor2D, bias: tf.variable(bias, true) as tf.Tensor as tf.Tensor1D };
    kernel.dispose();
    bias.dispose();
    return layer;
  });
}

export const layerTensors = (layers: Layer[]): tf.Tensor[] => layers.flatMap((l) => [l.kernel, l.bias]);

/**
 * Logits (softmax output) or standardised values (linear output), n × outputs. With `dropoutSeed`, dropout is applied
 * to every hidden layer's output (training only); each call must pass a fresh seed from the seeded PRNG.
 */
export function forward(layers: Layer[], arch: Architecture, x: tf.Tensor2D, dropoutSeed?: () => number): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    if (last || arch.activation === 'relu') {
      h = tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias, activation: last ? 'linear' : 'relu' }) as tf.Tensor2D;
    } else {
      const z = tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias });
      h = (arch.activation === 'tanh' ? tf.tanh(z) : tf.sigmoid(z)) as tf.Tensor2D;
    }
    if (!last && dropoutSeed && arch.dropout > 0) h = tf.dropout(h, arch.dropout, undefined, dropoutSeed()) as tf.Tensor2D;
  });
  return h;
}

/** Rows predicted per step: bounded memory for any input size, few steps for tabular data. */
const PREDICT_BATCH = 8192;

export class NetworkModel implements TrainedModel {
  readonly arch: Architecture;
  private readonly layers: Layer[];
  /** `values` are the weights as JS arrays (what toJSON writes); tensors are made from them for predict. */
  constructor(
    readonly spec: NetworkSpec,
    readonly shape: DataShape,
    readonly seed: number,
    readonly values: LayerValues,
    readonly target?: { mean: number; std: number },
  ) {
    this.arch = architecture(spec, shape);
    this.layers = makeLayers(this.arch, values);
  }

  async predict(X: Float32Array, n = X.length / this.arch.sizes[0]): Promise<Float32Array> {
    const d = this.arch.sizes[0];
    const k = this.arch.sizes[this.arch.sizes.length - 1];
    // No hidden layer (logistic regression): plain JavaScript, quicker than tfjs at any size (linear-forward.ts).
    if (this.values.length === 1) return linearForward(X, n, d, this.values[0], this.arch.output === 'softmax' ? 'softmax' : 'linear', this.target);
    return predictInBatches(n, k, PREDICT_BATCH, (start, rows) => {
      const x = tf.tensor2d(X.subarray(start * d, (start + rows) * d), [rows, d]);
      const z = forward(this.layers, this.arch, x);
      if (this.arch.output === 'softmax') return tf.softmax(z);
      const t = this.target ?? { mean: 0, std: 1 };
      return tf.add(tf.mul(z, t.std), t.mean);
    });
  }

  /** Without hidden layers, from compact rows (no X made); otherwise undefined, and predict reads X. */
  get predictRows(): ((rows: CompactRows) => Promise<Float32Array>) | undefined {
    if (this.values.length !== 1) return undefined;
    return (rows) => linearForwardRows(rows, this.values[0], this.arch.output === 'softmax' ? 'softmax' : 'linear', this.target);
  }

  toJSON(options: { encoding?: 'base64' | 'array' } = {}): SavedModel {
    const s = this.arch.sizes;
    const weights = this.values.flatMap((w, l) => [
      saveWeight(`dense_${l + 1}/kernel`, [s[l], s[l + 1]], w.kernel, options.encoding),
      saveWeight(`dense_${l + 1}/bias`, [s[l + 1]], w.bias, options.encoding),
    ]);
    return {
      ...savedHeader(this),
      ...(this.target ? { target: { ...this.target } } : {}),
      weights,
    };
  }

  dispose(): void {
    for (const t of layerTensors(this.layers)) t.dispose();
  }

  static fromLoaded(m: LoadedModel): NetworkModel {
    const spec = m.spec as NetworkSpec;
    const arch = architecture(spec, m.shape);
    const values = arch.sizes.slice(1).map((fanOut, l) => ({
      kernel: weightOf(m, `dense_${l + 1}/kernel`, [arch.sizes[l], fanOut]),
      bias: weightOf(m, `dense_${l + 1}/bias`, [fanOut]),
    }));
    return new NetworkModel(spec, m.shape, m.seed, values, m.target);
  }

  static fromJSON(json: unknown): NetworkModel {
    return NetworkModel.fromLoaded(parseSaved(json));
  }
}

/**
 * A trained model's forward pass in plain JavaScript (no tfjs), over a checked saved model (parseSaved): dense
 * networks (linear, logistic, MLP with relu / tanh / sigmoid), k-nearest neighbours and the ensemble mean. This is
 * what an exported bundle's predict.js runs, so it must give what the studio's tfjs models give: sums are taken in
 * float64 and every value tfjs would hold in a float32 tensor (a hidden layer's output, an output) is rounded to
 * float32 where tfjs rounds it. The studio's own sums are float32 in another order, so the two agree to float32
 * precision (a relative 1e-6 or so), not bit for bit.
 */
import { EnclaveError } from '../core/errors.ts';
import type { KnnHyperparameters, ModelSpec } from '../ml/models/spec.ts';
import { weightOf, type LoadedModel } from '../ml/models/saved.ts';

const f32 = Math.fround;

/** n rows of X (row-major n × d) → n × classes probabilities, or n values; as TrainedModel.predict. */
export function forwardPass(m: LoadedModel, X: Float32Array, n: number): Float32Array {
  const { algorithm } = m.spec;
  if (algorithm === 'ensemble') return ensembleMean(m, X, n);
  if (algorithm === 'knn') return knn(m, X, n);
  return network(m, X, n);
}

/** The mean of the members' outputs, summed and divided in float32 as EnsembleModel does. */
function ensembleMean(m: LoadedModel, X: Float32Array, n: number): Float32Array {
  const members = m.members ?? [];
  if (members.length === 0) throw new EnclaveError('invalid-argument', 'An ensemble needs at least one member.');
  let sum: Float32Array | null = null;
  for (const sub of members) {
    if (sub.spec.algorithm === 'ensemble') throw new EnclaveError('invalid-argument', 'An ensemble member cannot be an ensemble.');
    const p = forwardPass(sub, X, n);
    if (!sum) sum = p;
    else for (let i = 0; i < p.length; i++) sum[i] += p[i];
  }
  for (let i = 0; i < sum!.length; i++) sum![i] /= members.length;
  return sum!;
}

type Activation = 'relu' | 'tanh' | 'sigmoid';

function activationOf(spec: ModelSpec): Activation {
  return spec.algorithm === 'mlp' ? spec.hyperparameters.activation : 'relu';
}

const ACTIVATIONS: Record<Activation, (z: number) => number> = {
  relu: (z) => (z > 0 ? z : 0),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};

/** The layers dense_1 … dense_L, their sizes read from the saved shapes and checked against features and outputs. */
function layersOf(m: LoadedModel): { kernel: Float32Array; bias: Float32Array; fanIn: number; fanOut: number }[] {
  const d = m.shape.features.length;
  const outputs = m.shape.task === 'classification' ? m.shape.classNames!.length : 1;
  const hidden = m.spec.algorithm === 'mlp' ? m.spec.hyperparameters.units : [];
  const sizes = [d, ...hidden, outputs];
  return sizes.slice(1).map((fanOut, l) => ({
    kernel: weightOf(m, `dense_${l + 1}/kernel`, [sizes[l], fanOut]),
    bias: weightOf(m, `dense_${l + 1}/bias`, [fanOut]),
    fanIn: sizes[l],
    fanOut,
  }));
}

function network(m: LoadedModel, X: Float32Array, n: number): Float32Array {
  const layers = layersOf(m);
  const act = ACTIVATIONS[activationOf(m.spec)];
  const k = layers[layers.length - 1].fanOut;
  const out = new Float32Array(n * k);
  const t = m.target ?? { mean: 0, std: 1 };
  for (let r = 0; r < n; r++) {
    let h: Float64Array = Float64Array.from(X.subarray(r * layers[0].fanIn, (r + 1) * layers[0].fanIn));
    layers.forEach((layer, l) => {
      const z = new Float64Array(layer.fanOut);
      for (let j = 0; j < layer.fanOut; j++) {
        let s = layer.bias[j];
        for (let i = 0; i < layer.fanIn; i++) s += h[i] * layer.kernel[i * layer.fanOut + j];
        // tfjs holds each layer's output as float32.
        z[j] = l === layers.length - 1 ? f32(s) : f32(act(f32(s)));
      }
      h = z;
    });
    if (m.shape.task === 'classification') softmaxInto(h, out, r * k);
    else out[r] = f32(f32(h[0] * t.std) + t.mean);
  }
  return out;
}

/** Softmax of one row of logits (shifted by its maximum, as tfjs does) into out[at…]. */
function softmaxInto(z: Float64Array, out: Float32Array, at: number): void {
  let max = -Infinity;
  for (const x of z) if (x > max) max = x;
  let sum = 0;
  const e = z.map((x) => Math.exp(x - max));
  for (const x of e) sum += x;
  for (let j = 0; j < z.length; j++) out[at + j] = e[j] / sum;
}

/**
 * k nearest training rows by squared euclidean distance (ties: the earlier training row, as tf.topk orders them),
 * then the share of their votes per class, or the mean of their values.
 */
function knn(m: LoadedModel, X: Float32Array, n: number): Float32Array {
  const d = m.shape.features.length;
  const rows = m.weights.get('train/y')?.shape[0] ?? 0;
  const y = weightOf(m, 'train/y', [rows]);
  const T = weightOf(m, 'train/X', [rows, d]);
  const { k } = m.spec.hyperparameters as KnnHyperparameters;
  if (rows === 0 || k > rows) throw new EnclaveError('invalid-argument', `knn: k must be at most the number of training rows (${rows}); got ${k}.`);
  const classification = m.shape.task === 'classification';
  const width = classification ? m.shape.classNames!.length : 1;
  if (classification && y.some((c) => !Number.isInteger(c) || c < 0 || c >= width))
    throw new EnclaveError('invalid-argument', 'The saved kNN model has class codes outside its class list.');
  const out = new Float32Array(n * width);
  const best = new Int32Array(k);
  const bestDist = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    const q = X.subarray(r * d, (r + 1) * d);
    let found = 0;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const diff = q[j] - T[i * d + j];
        s += diff * diff;
      }
      // Insertion into the k best so far; strictly nearer only, so a tie keeps the earlier row ahead.
      if (found === k && s >= bestDist[k - 1]) continue;
      let at = found < k ? found++ : k - 1;
      while (at > 0 && bestDist[at - 1] > s) {
        bestDist[at] = bestDist[at - 1];
        best[at] = best[at - 1];
        at--;
      }
      bestDist[at] = s;
      best[at] = i;
    }
    const nearest = best;
    if (classification) {
      for (const i of nearest) out[r * width + y[i]] += 1;
      for (let j = 0; j < width; j++) out[r * width + j] /= k;
    } else {
      let s = 0;
      for (const i of nearest) s += y[i];
      out[r] = s / k;
    }
  }
  return out;
}

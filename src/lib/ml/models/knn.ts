/**
 * k-nearest neighbours. Squared euclidean distances as matrix products, ‖a‖² − 2·a·bᵀ + ‖b‖² (so they run on the
 * GPU), the k nearest by tf.topk, then a majority vote (class probabilities = share of the k votes; ties go to the
 * first class, as scikit-learn's mode) or the mean of their values. Query rows go in batches sized so one distance
 * block stays around 16 MiB, whatever the training set's size. "Training" stores the rows; they are the weights.
 */
import * as tf from '@tensorflow/tfjs';
import { EnclaveError } from '../../core/errors.ts';
import type { DataShape, Dataset } from '../matrix.ts';
import { predictInBatches } from './batches.ts';
import { parseSaved, savedHeader, saveWeight, weightOf, type LoadedModel, type SavedModel, type TrainedModel } from './saved.ts';
import type { KnnHyperparameters } from './spec.ts';

/** Floats in one distance block (batch rows × training rows). */
const BLOCK = 1 << 22;

export class KnnModel implements TrainedModel {
  readonly spec: { algorithm: 'knn'; hyperparameters: KnnHyperparameters };
  private readonly train: tf.Tensor2D;
  private readonly trainNorms: tf.Tensor1D;
  /** Classification: one-hot n × classes; regression: n × 1. */
  private readonly targets: tf.Tensor2D;
  private readonly n: number;
  private readonly d: number;

  constructor(
    hp: KnnHyperparameters,
    readonly shape: DataShape,
    readonly seed: number,
    private readonly X: Float32Array,
    private readonly y: Float32Array,
  ) {
    this.spec = { algorithm: 'knn', hyperparameters: { ...hp } };
    this.d = shape.features.length;
    this.n = y.length;
    if (this.n === 0) throw new EnclaveError('invalid-argument', 'k-nearest neighbours needs training rows.');
    if (hp.k > this.n)
      throw new EnclaveError('invalid-argument', `knn: k must be at most the number of training rows (${this.n}); got ${hp.k}.`, { algorithm: 'knn', hyperparameter: 'k' });
    this.train = tf.tensor2d(X, [this.n, this.d]);
    this.trainNorms = tf.tidy(() => tf.sum(tf.square(this.train), 1));
    this.targets = tf.tidy(() =>
      shape.task === 'classification'
        ? (tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), shape.classNames!.length).toFloat() as tf.Tensor2D)
        : tf.tensor2d(y, [this.n, 1]),
    );
  }

  static fit(data: Dataset, hp: KnnHyperparameters, seed: number): KnnModel {
    return new KnnModel(hp, data.shape, seed, data.X.slice(), Float32Array.from(data.y));
  }

  async predict(X: Float32Array, rows = X.length / this.d): Promise<Float32Array> {
    const k = this.spec.hyperparameters.k;
    const width = this.targets.shape[1];
    return predictInBatches(rows, width, Math.max(1, Math.floor(BLOCK / this.n)), (start, m) => {
      const q = tf.tensor2d(X.subarray(start * this.d, (start + m) * this.d), [m, this.d]);
      // ‖q‖² is the same for every candidate of a row, so the ranking needs only −2·q·xᵀ + ‖x‖²; ‖q‖² is added for
      // true distances (kept: cheap, and the clamp at 0 then means what it says).
      const qNorms = tf.sum(tf.square(q), 1, true);
      const dist = tf.relu(tf.add(tf.sub(this.trainNorms, tf.mul(tf.matMul(q, this.train, false, true), 2)), qNorms));
      const { indices } = tf.topk(tf.neg(dist), k, true);
      const picked = tf.gather(this.targets, tf.reshape(indices, [-1]));
      return tf.mean(tf.reshape(picked, [m, k, width]), 1);
    });
  }

  toJSON(options: { encoding?: 'base64' | 'array' } = {}): SavedModel {
    return {
      ...savedHeader(this),
      weights: [saveWeight('train/X', [this.n, this.d], this.X, options.encoding), saveWeight('train/y', [this.n], this.y, options.encoding)],
    };
  }

  dispose(): void {
    this.train.dispose();
    this.trainNorms.dispose();
    this.targets.dispose();
  }

  static fromLoaded(m: LoadedModel): KnnModel {
    const n = m.weights.get('train/y')?.shape[0] ?? 0;
    const d = m.shape.features.length;
    const y = weightOf(m, 'train/y', [n]);
    if (m.shape.task === 'classification' && y.some((c) => !Number.isInteger(c) || c < 0 || c >= m.shape.classNames!.length))
      throw new EnclaveError('invalid-argument', 'The saved kNN model has class codes outside its class list.');
    const hp = (m.spec as { hyperparameters: KnnHyperparameters }).hyperparameters;
    return new KnnModel(hp, m.shape, m.seed, weightOf(m, 'train/X', [n, d]), y);
  }

  static fromJSON(json: unknown): KnnModel {
    return KnnModel.fromLoaded(parseSaved(json));
  }
}

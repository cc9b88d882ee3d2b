/**
 * The few scores training needs (model choice, reports), computed from a model's predictions. Definitions as
 * scikit-learn's accuracy_score, log_loss (probabilities clipped to [1e-15, 1 − 1e-15]), f1_score(average='macro'),
 * mean_squared_error(squared=False), mean_absolute_error and r2_score. (src/lib/core/metrics has the full set.)
 */
import type { Dataset } from '../matrix.ts';
import { argmaxRows, type TrainedModel } from './saved.ts';

export interface ClassificationScores {
  accuracy: number;
  logLoss: number;
  macroF1: number;
}

export interface RegressionScores {
  rmse: number;
  mae: number;
  r2: number;
}

export type Scores = ClassificationScores | RegressionScores;

export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
  return truth.length ? right / truth.length : NaN;
}

export function rmse(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (truth[i] - predicted[i]) ** 2;
  return Math.sqrt(s / truth.length);
}

export function classificationScores(truth: Int32Array, probs: Float32Array, k: number): ClassificationScores {
  const n = truth.length;
  const predicted = argmaxRows(probs, k);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    // sklearn renormalises each row before clipping; softmax / vote shares already sum to 1 (to float rounding).
    let sum = 0;
    for (let j = 0; j < k; j++) sum += probs[i * k + j];
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probs[i * k + truth[i]] / sum));
    ll -= Math.log(p);
  }
  const tp = new Float64Array(k), fp = new Float64Array(k), fn = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (predicted[i] === truth[i]) tp[truth[i]]++;
    else (fp[predicted[i]]++, fn[truth[i]]++);
  }
  let f1 = 0;
  for (let c = 0; c < k; c++) {
    const denom = 2 * tp[c] + fp[c] + fn[c];
    f1 += denom ? (2 * tp[c]) / denom : 0;
  }
  return { accuracy: accuracy(truth, predicted), logLoss: n ? ll / n : NaN, macroF1: f1 / k };
}

export function regressionScores(truth: Float32Array, predicted: Float32Array): RegressionScores {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let se = 0, ae = 0, tot = 0;
  for (let i = 0; i < n; i++) {
    const e = truth[i] - predicted[i];
    se += e * e;
    ae += Math.abs(e);
    tot += (truth[i] - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, r2: tot > 0 ? 1 - se / tot : se === 0 ? 1 : 0 };
}

/** Score a model on a split. */
export async function scoreModel(model: TrainedModel, data: Dataset): Promise<Scores> {
  const out = await model.predict(data.X, data.n);
  if (data.shape.task === 'classification') return classificationScores(data.y as Int32Array, out, data.shape.classNames!.length);
  return regressionScores(data.y as Float32Array, out);
}

/** The number a model choice maximises: accuracy, or −RMSE. */
export function primaryScore(s: Scores): number {
  return 'accuracy' in s ? s.accuracy : -s.rmse;
}

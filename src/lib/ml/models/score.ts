/**
 * The few scores training needs (model choice, reports), from a model's predictions, by src/lib/core/metrics
 * (scikit-learn 1.2's accuracy_score, log_loss, f1_score(average='macro'), RMSE, mean_absolute_error, r2_score).
 */
import { accuracy, logLoss, mae, precisionRecallF1, r2, rmse } from '../../core/metrics/index.ts';
import type { Dataset } from '../matrix.ts';
import { argmaxRows, type TrainedModel } from './saved.ts';
import { firstNonFinite, nonFinitePredictions } from '../non-finite.ts';

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

export { accuracy, rmse };

export function classificationScores(truth: Int32Array, probs: Float32Array, k: number): ClassificationScores {
  const predicted = argmaxRows(probs, k);
  // Float32 rounding can leave a probability a hair outside [0, 1] (an ensemble's mean of softmax outputs).
  // A plain loop: Float64Array.from with a mapping callback is a call per value (10M at 5M rows × 2 classes).
  const p = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    const x = probs[i];
    p[i] = x < 0 ? 0 : x > 1 ? 1 : x;
  }
  return {
    accuracy: accuracy(truth, predicted),
    logLoss: logLoss(truth, p, k),
    macroF1: precisionRecallF1(truth, predicted, { k }).macro.f1,
  };
}

export function regressionScores(truth: Float32Array, predicted: Float32Array): RegressionScores {
  return { rmse: rmse(truth, predicted), mae: mae(truth, predicted), r2: r2(truth, predicted) };
}

/**
 * A model's predictions for a split, refused when any is NaN or ±Infinity: scores of such predictions are NaN, or
 * (accuracy: argmax of NaN rows) a plausible number that means nothing.
 */
export async function finitePredictions(model: TrainedModel, data: Dataset): Promise<Float32Array> {
  const out = data.compact && model.predictRows ? await model.predictRows(data.compact) : await model.predict(data.X, data.n);
  const bad = firstNonFinite(out);
  if (bad >= 0) {
    const hp = model.spec.hyperparameters as { learningRate?: number };
    throw nonFinitePredictions(model.spec.algorithm, Math.floor(bad / Math.max(1, out.length / Math.max(1, data.n))), data.n, hp.learningRate);
  }
  return out;
}

/** Score a model on a split (its predictions must be finite). */
export async function scoreModel(model: TrainedModel, data: Dataset): Promise<Scores> {
  const out = await finitePredictions(model, data);
  if (data.shape.task === 'classification') return classificationScores(data.y as Int32Array, out, data.shape.classNames!.length);
  return regressionScores(data.y as Float32Array, out);
}

/** The number a model choice maximises: accuracy, or −RMSE. */
export function primaryScore(s: Scores): number {
  return 'accuracy' in s ? s.accuracy : -s.rmse;
}

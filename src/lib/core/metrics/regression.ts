/**
 * Regression scores as sklearn 1.2 (mean_squared_error, its squared=False root, mean_absolute_error, r2_score). Rows
 * where either value is not finite are left out; NaN when no row is left.
 */
import { valuePairs, type Numbers } from './input.ts';

export function mse(yTrue: Numbers, yPred: Numbers): number {
  const { t, p } = valuePairs(yTrue, yPred);
  if (t.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += (t[i] - p[i]) ** 2;
  return sum / t.length;
}

/** Root mean squared error, √MSE. */
export function rmse(yTrue: Numbers, yPred: Numbers): number {
  return Math.sqrt(mse(yTrue, yPred));
}

export function mae(yTrue: Numbers, yPred: Numbers): number {
  const { t, p } = valuePairs(yTrue, yPred);
  if (t.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += Math.abs(t[i] - p[i]);
  return sum / t.length;
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot (sklearn r2_score, force_finite=True). With fewer than two rows it
 * is NaN (sklearn warns and returns nan). When y_true is constant (SS_tot = 0) it is 1.0 for perfect predictions and
 * 0.0 otherwise, as sklearn 1.2; perfect predictions score 1.0 in every case.
 */
export function r2(yTrue: Numbers, yPred: Numbers): number {
  const { t, p } = valuePairs(yTrue, yPred);
  const n = t.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += t[i];
  mean /= n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (t[i] - p[i]) ** 2;
    ssTot += (t[i] - mean) ** 2;
  }
  if (ssRes === 0) return 1;
  if (ssTot === 0) return 0;
  return 1 - ssRes / ssTot;
}

/**
 * Linear regression in closed form (exact, no epochs): ridge normal equations on centred data, solved in float64 by
 * Cholesky, (XcᵀXc + l2 · n · I) w = Xcᵀ yc, intercept ȳ − x̄ᵀw (the intercept is not penalised, as scikit-learn's
 * Ridge). The default l2 (1e-8) only keeps collinear columns (a full one-hot block) solvable; the result is then the
 * least-squares fit scikit-learn's LinearRegression gives, to float precision. The model predicts through the same
 * 0-hidden-layer network as the trained ones, so it saves and loads like them.
 */
import { EnclaveError } from '../../core/errors.ts';
import type { Dataset } from '../matrix.ts';
import { NetworkModel } from './network.ts';
import type { LinearHyperparameters } from './spec.ts';

/** Solve A x = b for symmetric positive definite A (n × n, row-major); null when A is not positive definite. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

export function fitLinear(data: Dataset, hp: LinearHyperparameters, seed: number): NetworkModel {
  const { X, n, d } = data;
  const y = data.y as Float32Array;
  if (n === 0) throw new EnclaveError('invalid-argument', 'There are no training rows to fit a linear regression on.');
  const xMean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    yMean += y[i];
    for (let j = 0; j < d; j++) xMean[j] += X[i * d + j];
  }
  yMean /= n;
  for (let j = 0; j < d; j++) xMean[j] /= n;
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X[i * d + j] - xMean[j];
    const yc = y[i] - yMean;
    for (let j = 0; j < d; j++) {
      const rj = row[j];
      if (rj === 0) continue;
      b[j] += rj * yc;
      for (let k = 0; k <= j; k++) A[j * d + k] += rj * row[k];
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) A[k * d + j] = A[j * d + k];
  // A tiny ridge, scaled by the data; grown only if the system is numerically singular even so.
  let trace = 0;
  for (let j = 0; j < d; j++) trace += A[j * d + j];
  let ridge = Math.max(hp.l2 * n, 1e-12 * (trace / Math.max(d, 1) || 1));
  let w: Float64Array | null = null;
  for (let attempt = 0; attempt < 12 && !w; attempt++, ridge *= 100) {
    const Ar = A.slice();
    for (let j = 0; j < d; j++) Ar[j * d + j] += ridge;
    w = choleskySolve(Ar, b, d);
  }
  if (!w) throw new EnclaveError('internal', 'Linear regression: the normal equations could not be solved (the features hold non-finite values?).');
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= xMean[j] * w[j];
  // Stored as float32: a coefficient past ±3.4e38 (or a NaN from the solve) would predict nothing but NaN.
  const bad = [...w, intercept].findIndex((x) => !Number.isFinite(Math.fround(x)));
  if (bad >= 0)
    throw new EnclaveError('non-finite', `Linear regression produced a non-finite ${bad < d ? `coefficient for "${data.shape.features[bad]}"` : 'intercept'}: scale the features (a standardise or min-max step in the recipe).`, { algorithm: 'linear', feature: bad < d ? data.shape.features[bad] : null });
  const spec = { algorithm: 'linear' as const, hyperparameters: { ...hp } };
  return new NetworkModel(spec, data.shape, seed, [{ kernel: Float32Array.from(w), bias: Float32Array.of(intercept) }]);
}

/**
 * Log loss (cross-entropy) as sklearn 1.2 log_loss with labels = 0..k-1 and eps="auto": every probability is clipped to
 * [ε, 1 − ε] with ε = 2.220446049250313e-16 (float64 machine epsilon), each row is renormalised to sum 1, and the
 * loss is the mean of −ln p(true class). `proba` is row-major n×k, or for k = 2 may be n values of P(class 1)
 * (clipped first, then [1 − p, p], as sklearn does with a 1-D y_pred). Rows with a missing label or a non-finite
 * probability are left out; NaN when none is left.
 */
import { binaryPairs, checkK, invalid, probaRows, type Numbers } from './input.ts';

const EPS = Number.EPSILON;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

export function logLoss(yTrue: Numbers, proba: Numbers, k = 2): number {
  checkK(k, 2);
  if (proba.length === yTrue.length && k === 2) {
    const { y, s } = binaryPairs(yTrue, proba, 'y_true and the probabilities');
    if (y.length === 0) return NaN;
    let sum = 0;
    for (let i = 0; i < y.length; i++) {
      const p1 = clip(s[i]), p0 = 1 - p1;
      sum -= Math.log((y[i] ? p1 : p0) / (p0 + p1));
    }
    return sum / y.length;
  }
  if (proba.length !== yTrue.length * k)
    invalid(
      `The probabilities must hold n × k = ${yTrue.length * k} values` +
        `${k === 2 ? ` (or n = ${yTrue.length} for P(class 1))` : ''}; got ${proba.length}.`
    );
  const { y, p } = probaRows(yTrue, proba, k);
  if (y.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(p[i * k + c]);
    sum -= Math.log(clip(p[i * k + y[i]]) / rowSum);
  }
  return sum / y.length;
}

/**
 * Brier score, two definitions (lower is better):
 *   - brierScore (binary): mean over rows of (p − y)², p = P(class 1), y ∈ {0, 1}. This is sklearn 1.2
 *     brier_score_loss with pos_label = 1, and lies in [0, 1].
 *   - brierScoreMulticlass: Brier's original multi-category score, mean over rows of Σ_c (p_c − 1[y = c])², from a
 *     row-major n×k matrix. It lies in [0, 2]; for k = 2 it is exactly twice the binary score (both columns count).
 * Rows with a missing label or a non-finite probability are left out; NaN when none is left. Probabilities outside
 * [0, 1] throw (as sklearn's binary check).
 */
import { binaryPairs, checkProbabilities, probaRows, type Numbers } from './input.ts';

export function brierScore(yTrue: Numbers, probTrue: Numbers): number {
  const { y, s } = binaryPairs(yTrue, probTrue, 'y_true and the probabilities');
  checkProbabilities(s);
  if (y.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (s[i] - y[i]) ** 2;
  return sum / y.length;
}

export function brierScoreMulticlass(yTrue: Numbers, proba: Numbers, k: number): number {
  const { y, p } = probaRows(yTrue, proba, k);
  checkProbabilities(p);
  if (y.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) for (let c = 0; c < k; c++) sum += (p[i * k + c] - (y[i] === c ? 1 : 0)) ** 2;
  return sum / y.length;
}

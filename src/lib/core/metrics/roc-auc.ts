/**
 * Area under the ROC curve, as sklearn 1.2 roc_auc_score.
 *   - rocAuc: binary labels 0/1 with a score for class 1: the trapezoid rule over roc_curve's points (tied scores share
 *     one step, so a tie between a positive and a negative counts ½).
 *   - rocAucPerClass / rocAucOvr: multiclass one-vs-rest (multi_class='ovr') from a row-major n×k probability matrix:
 *     class c against the rest, scored by column c; 'macro' is the plain mean, 'weighted' weights by each class's
 *     count in y_true. As sklearn, every row must sum to 1 (np.allclose) and every class must appear in y_true.
 * Undefined cases (one class only, empty input) throw EnclaveError('invalid-argument').
 */
import { invalid, probaRows, type Numbers } from './input.ts';
import { rocCurve } from './roc-curve.ts';

/** ∫ y dx by the trapezoid rule over points with non-decreasing x (np.trapz). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

export function rocAuc(yTrue: Numbers, scores: Numbers): number {
  const { fpr, tpr } = rocCurve(yTrue, scores);
  return trapezoid(fpr, tpr);
}

/** One-vs-rest ROC AUC of each class 0..k-1 (sklearn's average=None). */
export function rocAucPerClass(yTrue: Numbers, proba: Numbers, k: number): number[] {
  return ovr(yTrue, proba, k).auc;
}

export function rocAucOvr(yTrue: Numbers, proba: Numbers, k: number, average: 'macro' | 'weighted' = 'macro'): number {
  const { auc, support } = ovr(yTrue, proba, k);
  if (average === 'weighted') {
    const total = support.reduce((a, b) => a + b, 0);
    return auc.reduce((a, x, c) => a + x * support[c], 0) / total;
  }
  return auc.reduce((a, b) => a + b, 0) / k;
}

function ovr(yTrue: Numbers, proba: Numbers, k: number): { auc: number[]; support: number[] } {
  if (k < 2) invalid(`One-vs-rest ROC AUC needs at least 2 classes (got k = ${k}).`);
  const { y, p } = probaRows(yTrue, proba, k);
  const n = y.length;
  checkRowSums(p, k);
  const support = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) support[y[i]]++;
  const absent = support.flatMap((s, c) => (s === 0 ? [c] : []));
  if (n > 0 && absent.length)
    invalid(`One-vs-rest ROC AUC is not defined: class ${absent.join(', ')} has no rows in y_true.`, { absent });
  const labels = new Uint8Array(n), col = new Float64Array(n);
  const auc = support.map((_, c) => {
    for (let i = 0; i < n; i++) { labels[i] = y[i] === c ? 1 : 0; col[i] = p[i * k + c]; }
    return rocAuc(labels, col);
  });
  return { auc, support };
}

/** Throws unless every row of the row-major matrix sums to 1 within np.allclose's tolerance (|1 − s| ≤ 1e-8 + 1e-5·|s|). */
export function checkRowSums(p: Numbers, k: number): void {
  for (let i = 0; i * k < p.length; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += p[i * k + j];
    if (!(Math.abs(1 - sum) <= 1e-8 + 1e-5 * Math.abs(sum)))
      invalid(`Multiclass ROC AUC needs probabilities that sum to 1 over the classes (a row sums to ${sum}).`, { row: i, sum });
  }
}

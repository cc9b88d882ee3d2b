/**
 * ROC curve points as sklearn 1.2 roc_curve(y_true, y_score, drop_intermediate=True): points strictly inside a straight
 * run (no corner in either count) are dropped, a first point (0, 0) is added with threshold max(score) + 1 (the 1.2
 * convention; later versions use +Infinity), and fpr/tpr are the counts over the totals. Thresholds descend.
 * Labels are 0/1 (1 = positive); needs both classes (EnclaveError 'invalid-argument' otherwise, where sklearn returns
 * NaN rates with a warning).
 */
import { binaryCurveCounts, requireBothClasses } from './binary-curve.ts';
import type { Numbers } from './input.ts';

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

export function rocCurve(yTrue: Numbers, scores: Numbers, dropIntermediate = true): RocCurve {
  const c = binaryCurveCounts(yTrue, scores);
  requireBothClasses(c, 'The ROC curve');
  const { fps, tps, thresholds } = c;
  const m = fps.length;
  const keep = new Int32Array(m);
  let kept = 0;
  for (let i = 0; i < m; i++) {
    const corner =
      !dropIntermediate || m <= 2 || i === 0 || i === m - 1 ||
      fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]) !== 0 || tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]) !== 0;
    if (corner) keep[kept++] = i;
  }
  const negatives = fps[m - 1], positives = tps[m - 1];
  // Sized up front, the (0, 0) point first: spreads of mapped arrays built each curve three times over.
  const fpr = new Array<number>(kept + 1), tpr = new Array<number>(kept + 1), th = new Array<number>(kept + 1);
  fpr[0] = 0;
  tpr[0] = 0;
  th[0] = thresholds[0] + 1;
  for (let k = 0; k < kept; k++) {
    const i = keep[k];
    fpr[k + 1] = fps[i] / negatives;
    tpr[k + 1] = tps[i] / positives;
    th[k + 1] = thresholds[i];
  }
  return { fpr, tpr, thresholds: th };
}

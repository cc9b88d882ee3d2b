/**
 * Precision–recall curve as sklearn 1.2 precision_recall_curve: one point per distinct score, thresholds ascending,
 * precision[i] and recall[i] for "score ≥ thresholds[i]", then a last point (recall 0, precision 1) with no threshold.
 * Labels are 0/1 (1 = positive). With no positive row sklearn sets every recall to 1 and warns; here that throws
 * EnclaveError('invalid-argument') since the curve means nothing then (so does an empty input).
 */
import { binaryCurveCounts } from './binary-curve.ts';
import { invalid, type Numbers } from './input.ts';

export interface PrecisionRecallCurve {
  /** n_thresholds + 1 values; the last is 1. */
  precision: number[];
  /** n_thresholds + 1 values, non-increasing; the last is 0. */
  recall: number[];
  /** The distinct scores, ascending. */
  thresholds: number[];
}

export function precisionRecallCurve(yTrue: Numbers, scores: Numbers): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryCurveCounts(yTrue, scores);
  const m = tps.length;
  const positives = m ? tps[m - 1] : 0;
  if (positives === 0)
    invalid(`The precision–recall curve is not defined when y_true holds ${m === 0 ? 'no rows' : 'no positive (1) row'}.`);
  // Sized up front (a push at a time regrew three arrays of a million points for a million distinct scores).
  const precision = new Array<number>(m + 1), recall = new Array<number>(m + 1), th = new Array<number>(m);
  for (let i = m - 1, k = 0; i >= 0; i--, k++) {
    precision[k] = tps[i] / (tps[i] + fps[i]);
    recall[k] = tps[i] / positives;
    th[k] = thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: th };
}

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
  const precision: number[] = [], recall: number[] = [], th: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    precision.push(tps[i] / (tps[i] + fps[i]));
    recall.push(tps[i] / positives);
    th.push(thresholds[i]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: th };
}

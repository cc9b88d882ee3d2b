/**
 * Average precision as sklearn average_precision_score (binary): the step-wise sum Σ (R_i − R_{i−1}) · P_i over the
 * thresholds, each precision weighted by the recall it adds — not the trapezoid under the PR curve, which is
 * optimistic. Labels 0/1 (1 = positive); with no positive row it throws (see precisionRecallCurve).
 */
import type { Numbers } from './input.ts';
import { precisionRecallCurve } from './precision-recall-curve.ts';

export function averagePrecision(yTrue: Numbers, scores: Numbers): number {
  return averagePrecisionOf(precisionRecallCurve(yTrue, scores));
}

/** The same sum over a precision–recall curve already made. */
export function averagePrecisionOf({ precision, recall }: { precision: readonly number[]; recall: readonly number[] }): number {
  let ap = 0;
  for (let i = 0; i < recall.length - 1; i++) ap -= (recall[i + 1] - recall[i]) * precision[i];
  return ap;
}

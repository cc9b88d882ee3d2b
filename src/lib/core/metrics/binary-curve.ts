/**
 * Counts behind the ROC and precision–recall curves (sklearn's _binary_clf_curve): rows sorted by score, descending;
 * one entry per distinct score, holding the false and true positives among rows scored at or above it. Tied scores
 * form a single step, which is what makes the AUC of tied scores count half (trapezoid) as sklearn does.
 */
import { binaryPairs, invalid, type Numbers } from './input.ts';
import { sortFloat64 } from '../profile/sort.ts';

export interface BinaryCurveCounts {
  /** Negatives scored ≥ thresholds[i] (non-decreasing; the last is the number of negatives). */
  fps: Float64Array;
  /** Positives scored ≥ thresholds[i] (non-decreasing; the last is the number of positives). */
  tps: Float64Array;
  /** The distinct scores, descending. */
  thresholds: Float64Array;
}

/**
 * Labels are 0/1 (1 = positive); rows with a missing label or a non-finite score are left out. The positives' and
 * the negatives' scores are sorted apart (ascending, -0 before 0, as the native sort) and merged from the top, one step
 * per distinct score.
 */
export function binaryCurveCounts(yTrue: Numbers, scores: Numbers): BinaryCurveCounts {
  const { y, s } = binaryPairs(yTrue, scores);
  let nPos = 0;
  for (let i = 0; i < y.length; i++) nPos += y[i];
  const pos = new Float64Array(nPos), neg = new Float64Array(y.length - nPos);
  for (let i = 0, a = 0, b = 0; i < y.length; i++) if (y[i]) pos[a++] = s[i]; else neg[b++] = s[i];
  // A radix sort (the profile's): the native sort was most of a million-row report's time, and these are three of its
  // curves (ROC, precision–recall, average precision).
  sortFloat64(pos);
  sortFloat64(neg);
  const fps = new Float64Array(y.length), tps = new Float64Array(y.length), thresholds = new Float64Array(y.length);
  let i = pos.length - 1, j = neg.length - 1, m = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === v) i--;
    while (j >= 0 && neg[j] === v) j--;
    tps[m] = pos.length - 1 - i;
    fps[m] = neg.length - 1 - j;
    thresholds[m++] = v;
  }
  return { fps: fps.subarray(0, m), tps: tps.subarray(0, m), thresholds: thresholds.subarray(0, m) };
}

/** Throws unless both classes are present (a ROC curve needs positives and negatives). */
export function requireBothClasses(c: BinaryCurveCounts, what: string): void {
  const m = c.fps.length;
  const negatives = m ? c.fps[m - 1] : 0, positives = m ? c.tps[m - 1] : 0;
  if (negatives === 0 || positives === 0) {
    const present = m === 0 ? 'no rows' : positives === 0 ? 'only class 0' : 'only class 1';
    invalid(`${what} is not defined when y_true holds ${present}: it needs both a positive (1) and a negative (0) row.`, {
      positives,
      negatives
    });
  }
}

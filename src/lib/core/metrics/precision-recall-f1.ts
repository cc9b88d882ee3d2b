/**
 * Precision, recall and F1 per class, with macro, micro and weighted averages: sklearn
 * precision_recall_fscore_support (beta = 1) with its default zero_division="warn", which sets an undefined ratio to 0
 * and warns. The warning here is data: `undefinedPrecision` lists the labels with no predicted rows (precision 0/0),
 * `undefinedRecall` those with no true rows (recall 0/0), and `zeroDivision` says whether anything was set to 0
 * (per class or in the micro average). F1 = 2PR/(P+R), 0 when P + R = 0 (sklearn).
 */
import { classPairs, invalid, type Numbers } from './input.ts';

export interface Average {
  precision: number;
  recall: number;
  f1: number;
}

export interface PrecisionRecallF1 {
  /** The labels scored, in the order of the per-class arrays. */
  labels: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  /** Rows whose true class is the label. */
  support: number[];
  /** Unweighted mean over `labels`. */
  macro: Average;
  /** From the summed counts over `labels` (equals accuracy when every present label is scored). */
  micro: Average;
  /** Mean over `labels` weighted by support (0 when the supports add up to 0, as sklearn). */
  weighted: Average;
  undefinedPrecision: number[];
  undefinedRecall: number[];
  zeroDivision: boolean;
}

export interface PrecisionRecallF1Options {
  /** Number of classes (codes 0..k-1); defaults to one more than the largest code seen. */
  k?: number;
  /**
   * Labels to score and average over, as sklearn's `labels` argument. Default: the labels present in y_true or y_pred,
   * ascending (sklearn's default). Pass every code 0..k-1 to include classes absent from both (they score 0).
   */
  labels?: readonly number[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1Of = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

export function precisionRecallF1(yTrue: Numbers, yPred: Numbers, options: PrecisionRecallF1Options = {}): PrecisionRecallF1 {
  const { t, p, k } = classPairs(yTrue, yPred, options.k);
  const tp = new Float64Array(k), predSum = new Float64Array(k), trueSum = new Float64Array(k);
  for (let i = 0; i < t.length; i++) {
    trueSum[t[i]]++;
    predSum[p[i]]++;
    if (t[i] === p[i]) tp[t[i]]++;
  }
  let labels: number[];
  if (options.labels) {
    labels = [...options.labels];
    for (const l of labels) if (!Number.isInteger(l) || l < 0 || l >= k) invalid(`Label ${l} is not a class code in 0..${k - 1}.`);
    if (new Set(labels).size !== labels.length) invalid('The labels to score must be distinct.');
  } else {
    labels = [];
    for (let c = 0; c < k; c++) if (trueSum[c] > 0 || predSum[c] > 0) labels.push(c);
  }

  const precision = labels.map((c) => ratio(tp[c], predSum[c]));
  const recall = labels.map((c) => ratio(tp[c], trueSum[c]));
  const f1 = labels.map((_, i) => f1Of(precision[i], recall[i]));
  const support = labels.map((c) => trueSum[c]);
  const undefinedPrecision = labels.filter((c) => predSum[c] === 0);
  const undefinedRecall = labels.filter((c) => trueSum[c] === 0);

  const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const macro = { precision: mean(precision), recall: mean(recall), f1: mean(f1) };

  let tpAll = 0, predAll = 0, trueAll = 0;
  for (const c of labels) { tpAll += tp[c]; predAll += predSum[c]; trueAll += trueSum[c]; }
  const mp = ratio(tpAll, predAll), mr = ratio(tpAll, trueAll);
  const micro = { precision: mp, recall: mr, f1: f1Of(mp, mr) };

  const wavg = (xs: number[]) => (trueAll === 0 ? 0 : xs.reduce((a, x, i) => a + x * support[i], 0) / trueAll);
  const weighted = { precision: wavg(precision), recall: wavg(recall), f1: wavg(f1) };

  const zeroDivision = undefinedPrecision.length > 0 || undefinedRecall.length > 0 || predAll === 0 || trueAll === 0;
  return { labels, precision, recall, f1, support, macro, micro, weighted, undefinedPrecision, undefinedRecall, zeroDivision };
}

/**
 * Everything the evaluation view shows for a classifier, as plain JSON (null where a metric is undefined, never NaN),
 * with a note saying why for each null that has a reason (one class only, probabilities that do not sum to 1, …).
 *   - From labels: accuracy, the k×k confusion matrix (rows = true), precision/recall/F1/support for every class in
 *     classNames, and the macro/micro/weighted averages over the classes present in y_true or y_pred (sklearn's
 *     default labels; a class absent from both is listed with zeros but does not drag the averages down).
 *   - From probabilities (binary: n values of P(class 1), or n×2; multiclass: row-major n×k): ROC AUC (binary, or
 *     one-vs-rest macro and weighted plus per class), ROC curves (binary: class 1; multiclass: each class vs rest),
 *     and for binary also the precision–recall curve, average precision and the calibration curve; Brier score
 *     (binary: sklearn's brier_score_loss on P(class 1); multiclass: Σ over classes, see brier.ts) and log loss.
 * Curves are thinned to at most `maxCurvePoints` points for drawing (scores use the full curves).
 */
import { accuracy } from './accuracy.ts';
import { averagePrecisionOf } from './average-precision.ts';
import { brierScore, brierScoreMulticlass } from './brier.ts';
import { calibrationCurve, type CalibrationCurve } from './calibration-curve.ts';
import { confusionMatrix } from './confusion-matrix.ts';
import { checkK, classCode, classPairs, invalid, probaRows, type Numbers } from './input.ts';
import { logLoss } from './log-loss.ts';
import { precisionRecallCurve, type PrecisionRecallCurve } from './precision-recall-curve.ts';
import { precisionRecallF1 } from './precision-recall-f1.ts';
import { attempt, finite, thinCurve } from './report-json.ts';
import { checkRowSums, trapezoid } from './roc-auc.ts';
import { rocCurve, type RocCurve } from './roc-curve.ts';

export interface ClassScores {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AverageScores {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ProbabilityMetrics {
  /** Rows with a true class and finite probabilities. */
  n: number;
  /** Binary: AUC of P(class 1). Multiclass: one-vs-rest, macro average. */
  rocAuc: number | null;
  /** Multiclass: one-vs-rest weighted by class support. Binary: the same as rocAuc (as sklearn). */
  rocAucWeighted: number | null;
  /** Multiclass: one-vs-rest AUC of each class (null where undefined). Binary: null. */
  rocAucPerClass: (number | null)[] | null;
  /** Binary only. */
  averagePrecision: number | null;
  /** Binary: one curve (class 1 positive). Multiclass: each class against the rest (null where undefined). */
  rocCurves: ({ className: string } & RocCurve)[];
  /** Binary only. */
  prCurve: PrecisionRecallCurve | null;
  /** Binary only: 10 uniform bins. */
  calibration: CalibrationCurve | null;
  brier: number | null;
  /** Which Brier score: 'binary' (mean (p − y)², in [0, 1]) or 'multiclass' (Σ over classes, in [0, 2]). */
  brierDefinition: 'binary' | 'multiclass';
  logLoss: number | null;
}

export interface ClassificationReport {
  kind: 'classification';
  /** Rows with both a true and a predicted class. */
  n: number;
  classNames: string[];
  accuracy: number | null;
  confusionMatrix: number[][];
  perClass: ClassScores[];
  macro: AverageScores;
  micro: AverageScores;
  weighted: AverageScores;
  /** Classes with no predicted row (precision 0/0, reported as 0 — sklearn's zero_division warning). */
  undefinedPrecision: string[];
  /** Classes present but with no true row (recall 0/0, reported as 0). */
  undefinedRecall: string[];
  zeroDivision: boolean;
  probabilities: ProbabilityMetrics | null;
  notes: string[];
}

export interface ClassificationReportOptions {
  /** Most points per curve (default 1000). */
  maxCurvePoints?: number;
  /** Calibration bins (default 10). */
  calibrationBins?: number;
}

export function classificationReport(
  yTrue: Numbers,
  yPred: Numbers,
  proba: Numbers | null,
  classNames: readonly string[],
  options: ClassificationReportOptions = {}
): ClassificationReport {
  const k = classNames.length;
  checkK(k);
  const { t } = classPairs(yTrue, yPred, k);
  const notes: string[] = [];
  const all = precisionRecallF1(yTrue, yPred, { k, labels: Array.from({ length: k }, (_, c) => c) });
  const present = precisionRecallF1(yTrue, yPred, { k });
  const avg = (a: { precision: number; recall: number; f1: number }): AverageScores =>
    ({ precision: finite(a.precision), recall: finite(a.recall), f1: finite(a.f1) });
  const name = (c: number) => classNames[c];
  return {
    kind: 'classification',
    n: t.length,
    classNames: [...classNames],
    accuracy: finite(accuracy(yTrue, yPred)),
    confusionMatrix: confusionMatrix(yTrue, yPred, k),
    perClass: all.labels.map((c, i) => ({
      name: name(c),
      precision: all.precision[i],
      recall: all.recall[i],
      f1: all.f1[i],
      support: all.support[i]
    })),
    macro: avg(present.macro),
    micro: avg(present.micro),
    weighted: avg(present.weighted),
    undefinedPrecision: present.undefinedPrecision.map(name),
    undefinedRecall: present.undefinedRecall.map(name),
    zeroDivision: present.zeroDivision,
    probabilities: proba ? probabilityMetrics(yTrue, proba, classNames, notes, options) : null,
    notes
  };
}

function probabilityMetrics(
  yTrue: Numbers,
  proba: Numbers,
  classNames: readonly string[],
  notes: string[],
  { maxCurvePoints = 1000, calibrationBins = 10 }: ClassificationReportOptions
): ProbabilityMetrics {
  const k = classNames.length, n = yTrue.length;
  if (k < 2) invalid('Probability metrics need at least two classes.');
  const label = (i: number) => classCode(yTrue[i], k);
  const thin = <T extends Record<string, number[]>>(c: T) => thinCurve(c, maxCurvePoints);
  const score = (f: () => number) => finite(attempt(notes, f) ?? NaN);

  if (k === 2 && (proba.length === n || proba.length === 2 * n)) {
    const p1 = proba.length === n ? Float64Array.from(proba) : Float64Array.from({ length: n }, (_, i) => proba[2 * i + 1]);
    let used = 0;
    for (let i = 0; i < n; i++) if (label(i) >= 0 && Number.isFinite(p1[i])) used++;
    // Each curve once (a sort of every score apiece: most of a million-row report): the AUC is rocAuc's trapezoid over
    // the ROC curve, the average precision averagePrecision's sum over the precision–recall curve.
    const rocOnce = outcome(() => rocCurve(yTrue, p1));
    const prOnce = outcome(() => precisionRecallCurve(yTrue, p1));
    const auc = score(() => trapezoid(rocOnce().fpr, rocOnce().tpr));
    const roc = attempt(notes, rocOnce);
    const pr = attempt(notes, prOnce);
    return {
      n: used,
      rocAuc: auc,
      rocAucWeighted: auc,
      rocAucPerClass: null,
      averagePrecision: score(() => averagePrecisionOf(prOnce())),
      rocCurves: roc ? [{ className: classNames[1], ...thin({ ...roc }) }] : [],
      prCurve: pr ? thin({ ...pr }) : null,
      calibration: attempt(notes, () => calibrationCurve(yTrue, p1, calibrationBins)),
      brier: score(() => brierScore(yTrue, p1)),
      brierDefinition: 'binary',
      logLoss: score(() => logLoss(yTrue, p1, 2))
    };
  }
  if (proba.length !== n * k)
    invalid(
      `The probabilities must hold n × k = ${n} × ${k} values${k === 2 ? ` (or n values of P(${classNames[1]}))` : ''}; ` +
        `got ${proba.length}.`
    );

  // The rows with a class and finite probabilities (as every multiclass probability metric keeps them).
  const { y, p } = probaRows(yTrue, proba, k);
  const used = y.length;
  const support = new Array<number>(k).fill(0);
  for (let i = 0; i < used; i++) support[y[i]]++;
  const column = (c: number) => Float64Array.from({ length: used }, (_, i) => p[i * k + c]);
  const oneVsRest = (c: number) => Uint8Array.from(y, (t) => (t === c ? 1 : 0));
  // Each class against the rest (sklearn multi_class='ovr'); a class with no rows has no curve and a null AUC.
  const curves: ({ className: string } & RocCurve)[] = [];
  if (used === 0) notes.push('No row has both a true class and finite probabilities.');
  const perClass: (number | null)[] = classNames.map((className, c) => {
    if (used === 0) return null;
    if (support[c] === 0 || support[c] === used) {
      const why = support[c] === 0 ? `Class "${className}" has no rows` : `Every row is class "${className}"`;
      notes.push(`${why}, so its one-vs-rest ROC AUC (and the macro and weighted averages) is undefined.`);
      return null;
    }
    const roc = rocCurve(oneVsRest(c), column(c));
    curves.push({ className, ...thin({ ...roc }) });
    return trapezoid(roc.fpr, roc.tpr);
  });
  // The averages as sklearn's roc_auc_score: only when every class has rows and every row sums to 1.
  const sumsToOne = attempt(notes, () => { checkRowSums(p, k); return true; }) === true;
  const defined = perClass.every((x) => x !== null) && sumsToOne;
  const auc = perClass as number[];
  const macro = defined ? auc.reduce((a, b) => a + b, 0) / k : NaN;
  const weighted = defined ? auc.reduce((a, x, c) => a + x * support[c], 0) / used : NaN;
  return {
    n: used,
    rocAuc: finite(macro),
    rocAucWeighted: finite(weighted),
    rocAucPerClass: perClass,
    averagePrecision: null,
    rocCurves: curves,
    prCurve: null,
    calibration: null,
    brier: score(() => brierScoreMulticlass(yTrue, proba, k)),
    brierDefinition: 'multiclass',
    logLoss: score(() => logLoss(yTrue, proba, k))
  };
}

/** `f` run once, now: a function giving its value, or throwing its error, each time it is called. */
function outcome<T>(f: () => T): () => T {
  try {
    const value = f();
    return () => value;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

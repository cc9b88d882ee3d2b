/**
 * Metrics against scikit-learn 1.2.1 (Debian /usr/bin/python3, numpy 1.24.2): docstring examples, and tie-heavy and
 * multiclass fixtures whose expected values were printed by the Python quoted next to them. Independent references
 * (Mann–Whitney pair counting for ROC AUC, brute-force definitions) check the same functions on random data.
 */
import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import {
  binaryCurveCounts,
  accuracy,
  averagePrecision,
  brierScore,
  brierScoreMulticlass,
  calibrationCurve,
  classificationReport,
  confusionMatrix,
  logLoss,
  mae,
  metricsBySlice,
  mse,
  permutationImportance,
  precisionRecallCurve,
  precisionRecallF1,
  r2,
  regressionReport,
  residualSummary,
  rmse,
  rocAuc,
  rocAucOvr,
  rocAucPerClass,
  rocCurve
} from '../../src/lib/core/metrics/index.ts';
import { seeded } from '../../src/lib/core/random.ts';

const close = (got: readonly number[], want: readonly number[], digits = 10) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i], digits));
};

function errorOf(f: () => unknown): EnclaveError {
  try {
    f();
  } catch (e) {
    if (e instanceof EnclaveError) return e;
    throw e;
  }
  throw new Error('expected an EnclaveError');
}

/** No NaN or Infinity anywhere (JSON.stringify would write them as null silently). */
function expectPlainJson(x: unknown): void {
  const walk = (v: unknown): void => {
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(x);
  expect(JSON.parse(JSON.stringify(x))).toEqual(x);
}

describe('ROC AUC, ROC curve, precision–recall curve, average precision (binary)', () => {
  // roc_auc_score / average_precision_score / precision_recall_curve docstrings
  const y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8];

  it('matches the sklearn docstring example', () => {
    expect(rocAuc(y, s)).toBeCloseTo(0.75, 12);
    expect(averagePrecision(y, s)).toBeCloseTo(0.8333333333333333, 12);
    expect(averagePrecision(Int32Array.from(y), Float64Array.from(s))).toBeCloseTo(0.8333, 4);
    const pr = precisionRecallCurve(y, s);
    close(pr.precision, [0.5, 0.6666666666666666, 0.5, 1, 1]);
    close(pr.recall, [1, 1, 0.5, 0.5, 0]);
    close(pr.thresholds, [0.1, 0.35, 0.4, 0.8]);
  });

  it('roc_curve docstring (y = [1, 1, 2, 2], pos_label = 2 → codes 0/1); first threshold is max + 1 as sklearn 1.2', () => {
    const c = rocCurve([0, 0, 1, 1], s);
    close(c.fpr, [0, 0, 0.5, 0.5, 1]);
    close(c.tpr, [0, 0.5, 0.5, 1, 1]);
    close(c.thresholds, [1.8, 0.8, 0.4, 0.35, 0.1]);
  });

  // Ties, values from:
  //   from sklearn.metrics import *
  //   y, s = [0,1,0,1,1,0,1,0], [0.5,0.5,0.5,0.7,0.2,0.2,0.9,0.7]            # 'tieA'
  //   y, s = [1,0,1,0,1,1,0,0,1,0], [0.3,0.3,0.3,0.3,0.6,0.6,0.6,0.1,0.1,0.9] # 'tieB'
  //   y, s = [0,1,1,0,1], [0.5]*5                                          # 'allTied'
  //   y, s = [0,0,1,1,1,0,0,1,0,1,1,0], [1,2,2,3,3,3,4,4,5,5,5,1]             # 'tieC' (integer scores)
  //   roc_auc_score(y, s); average_precision_score(y, s); roc_curve(y, s); precision_recall_curve(y, s)
  const ties = {
    tieA: {
      y: [0, 1, 0, 1, 1, 0, 1, 0], s: [0.5, 0.5, 0.5, 0.7, 0.2, 0.2, 0.9, 0.7],
      auc: 0.625, ap: 0.6666666666666666,
      fpr: [0, 0, 0.25, 0.75, 1], tpr: [0, 0.25, 0.5, 0.75, 1], rocThr: [1.9, 0.9, 0.7, 0.5, 0.2],
      prec: [0.5, 0.5, 0.6666666666666666, 1, 1], rec: [1, 0.75, 0.5, 0.25, 0], prThr: [0.2, 0.5, 0.7, 0.9]
    },
    tieB: {
      y: [1, 0, 1, 0, 1, 1, 0, 0, 1, 0], s: [0.3, 0.3, 0.3, 0.3, 0.6, 0.6, 0.6, 0.1, 0.1, 0.9],
      auc: 0.45999999999999996, ap: 0.5,
      fpr: [0, 0.2, 0.4, 0.8, 1], tpr: [0, 0, 0.4, 0.8, 1], rocThr: [1.9, 0.9, 0.6, 0.3, 0.1],
      prec: [0.5, 0.5, 0.5, 0, 1], rec: [1, 0.8, 0.4, 0, 0], prThr: [0.1, 0.3, 0.6, 0.9]
    },
    allTied: {
      y: [0, 1, 1, 0, 1], s: [0.5, 0.5, 0.5, 0.5, 0.5],
      auc: 0.5, ap: 0.6,
      fpr: [0, 1], tpr: [0, 1], rocThr: [1.5, 0.5],
      prec: [0.6, 1], rec: [1, 0], prThr: [0.5]
    },
    tieC: {
      y: [0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0], s: [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 1],
      auc: 0.6944444444444444, ap: 0.6305555555555555,
      fpr: [0, 0.16666666666666666, 0.3333333333333333, 0.5, 0.6666666666666666, 1],
      tpr: [0, 0.3333333333333333, 0.5, 0.8333333333333334, 1, 1],
      rocThr: [6, 5, 4, 3, 2, 1],
      prec: [0.5, 0.6, 0.625, 0.6, 0.6666666666666666, 1],
      rec: [1, 1, 0.8333333333333334, 0.5, 0.3333333333333333, 0],
      prThr: [1, 2, 3, 4, 5]
    }
  };
  for (const [name, c] of Object.entries(ties)) {
    it(`handles ties as sklearn (${name})`, () => {
      expect(rocAuc(c.y, c.s)).toBeCloseTo(c.auc, 12);
      expect(averagePrecision(c.y, c.s)).toBeCloseTo(c.ap, 12);
      const roc = rocCurve(c.y, c.s);
      close(roc.fpr, c.fpr);
      close(roc.tpr, c.tpr);
      close(roc.thresholds, c.rocThr);
      const pr = precisionRecallCurve(c.y, c.s);
      close(pr.precision, c.prec);
      close(pr.recall, c.rec);
      close(pr.thresholds, c.prThr);
    });
  }

  it('drops collinear points as drop_intermediate=True, and keeps them all when asked', () => {
    // y = [1,1,0,1,1,1,0,0,0,1,0,0]; s = [0.95,0.9,0.85,0.8,0.75,0.7,0.6,0.5,0.4,0.3,0.2,0.1]
    // roc_curve(y, s); roc_curve(y, s, drop_intermediate=False); roc_auc_score(y, s); average_precision_score(y, s)
    const y = [1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0], s = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    const sixth = 1 / 6;
    const c = rocCurve(y, s);
    close(c.fpr, [0, 0, 0, sixth, sixth, 4 * sixth, 4 * sixth, 1]);
    close(c.tpr, [0, sixth, 2 * sixth, 2 * sixth, 5 * sixth, 5 * sixth, 1, 1]);
    close(c.thresholds, [1.95, 0.95, 0.9, 0.85, 0.7, 0.4, 0.3, 0.1]);
    const all = rocCurve(y, s, false);
    expect(all.fpr.length).toBe(13);
    close(all.thresholds, [1.95, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]);
    expect(rocAuc(y, s)).toBeCloseTo(0.8055555555555556, 12);
    expect(averagePrecision(y, s)).toBeCloseTo(0.8305555555555555, 12);
  });

  // A 40-row fixture with heavy ties (scores rounded to 0.1):
  //   rng = np.random.RandomState(7); yb = rng.randint(0, 2, 40); sb = np.round(rng.rand(40)*0.6 + 0.3*yb, 1)
  //   roc_auc_score(yb, sb); average_precision_score(yb, sb); roc_curve(yb, sb); precision_recall_curve(yb, sb)
  //   brier_score_loss(yb, sb); log_loss(yb, sb); calibration_curve(yb, sb, n_bins=10)
  const yb = [1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0];
  const sb = [0.7, 0.6, 0.4, 0.3, 0.8, 0.4, 0.6, 0.8, 0.4, 0.6, 0.1, 0.6, 0.2, 0.6, 0.2, 0.5, 0.5, 0.2, 0.6, 0.2, 0.3, 0.2, 0.7, 0.5, 0.3, 0.4, 0.5, 0.8, 0.1, 0.4, 0.6, 0.3, 0.4, 0.6, 0.5, 0.0, 0.1, 0.7, 0.6, 0.4];

  it('matches sklearn on a 40-row tie-heavy fixture', () => {
    expect(rocAuc(yb, sb)).toBeCloseTo(0.9473684210526316, 12);
    expect(averagePrecision(yb, sb)).toBeCloseTo(0.9170565302144249, 12);
    const roc = rocCurve(yb, sb);
    close(roc.fpr, [0, 0, 0, 0.047619047619047616, 0.14285714285714285, 0.38095238095238093, 0.5714285714285714, 0.8095238095238095, 0.9523809523809523, 1]);
    close(roc.tpr, [0, 0.15789473684210525, 0.3157894736842105, 0.7368421052631579, 0.8947368421052632, 1, 1, 1, 1, 1]);
    close(roc.thresholds, [1.8, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]);
    const pr = precisionRecallCurve(yb, sb);
    close(pr.precision, [0.475, 0.48717948717948717, 0.5277777777777778, 0.6129032258064516, 0.7037037037037037, 0.85, 0.9333333333333333, 1, 1, 1]);
    close(pr.recall, [1, 1, 1, 1, 1, 0.8947368421052632, 0.7368421052631579, 0.3157894736842105, 0.15789473684210525, 0]);
    close(pr.thresholds, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(brierScore(yb, sb)).toBeCloseTo(0.13475, 12);
    expect(logLoss(yb, sb)).toBeCloseTo(0.4363323943109588, 12);
    const cal = calibrationCurve(yb, sb);
    close(cal.probTrue, [0, 0, 0, 0.2857142857142857, 0.6, 0.8888888888888888, 1, 1]);
    close(cal.probPred, [0.075, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(cal.counts).toEqual([4, 5, 4, 7, 5, 9, 3, 3]);
  });

  it('equals the Mann–Whitney statistic (ties count ½) and the brute-force AP on random data', () => {
    const rng = seeded(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + rng.int(200);
      const y = Int32Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
      y[0] = 0; y[1] = 1;
      const s = Float64Array.from({ length: n }, () => rng.int(12) / 11); // many ties
      let pairs = 0, wins = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++)
        if (y[i] === 1 && y[j] === 0) { pairs++; wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0; }
      expect(rocAuc(y, s)).toBeCloseTo(wins / pairs, 12);
      // AP = Σ over distinct thresholds t (descending) of (R(t) − R(previous)) · P(t), P and R for "score ≥ t"
      const thresholds = [...new Set(s)].sort((a, b) => b - a);
      const positives = y.reduce((a, b) => a + b, 0);
      let ap = 0, prevRecall = 0;
      for (const t of thresholds) {
        let tp = 0, pp = 0;
        for (let i = 0; i < n; i++) if (s[i] >= t) { pp++; tp += y[i]; }
        ap += (tp / positives - prevRecall) * (tp / pp);
        prevRecall = tp / positives;
      }
      expect(averagePrecision(y, s)).toBeCloseTo(ap, 12);
    }
  });

  it('throws a clear invalid-argument when y_true holds one class, no rows, or a non-binary label', () => {
    const one = errorOf(() => rocAuc([1, 1, 1], [0.2, 0.5, 0.9]));
    expect(one.code).toBe('invalid-argument');
    expect(one.message).toMatch(/only class 1/);
    expect(errorOf(() => rocAuc([0, 0], [0.2, 0.5])).message).toMatch(/only class 0/);
    expect(errorOf(() => rocCurve([], [])).code).toBe('invalid-argument');
    expect(errorOf(() => averagePrecision([0, 0], [0.1, 0.2])).code).toBe('invalid-argument');
    expect(errorOf(() => precisionRecallCurve([], [])).code).toBe('invalid-argument');
    expect(errorOf(() => rocAuc([0, 2, 1], [0.1, 0.2, 0.3])).message).toMatch(/binary/);
    expect(errorOf(() => rocAuc([0, 0.5, 1], [0.1, 0.2, 0.3])).message).toMatch(/not a class code/);
    expect(errorOf(() => rocAuc([0, 1, 1], [0.1, 0.2])).message).toMatch(/same length/);
  });

  it('leaves out rows with a missing label or a non-finite score', () => {
    expect(rocAuc([0, -1, 0, 1, NaN, 1], [0.1, 0.99, 0.4, 0.35, 0.2, 0.8])).toBeCloseTo(0.75, 12);
    expect(averagePrecision([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, NaN])).toBeCloseTo(0.8333333333333333, 12);
  });

  it('averagePrecision is positive-only all → 1, and perfect ranking → 1', () => {
    expect(averagePrecision([1, 1], [0.3, 0.7])).toBe(1);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
  });
});

describe('multiclass one-vs-rest ROC AUC', () => {
  // y = [0,1,2,2,1,0,2,1,0,2]; P = the rows below
  // roc_auc_score(y, P, multi_class='ovr', average='macro' | 'weighted' | None)
  const y = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2];
  const P = Float64Array.from([
    [0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4], [0.4, 0.4, 0.2],
    [0.5, 0.25, 0.25], [0.2, 0.2, 0.6], [0.3, 0.5, 0.2], [0.25, 0.5, 0.25], [0.5, 0.1, 0.4]
  ].flat());

  it('matches sklearn macro, weighted and per class', () => {
    expect(rocAucOvr(y, P, 3)).toBeCloseTo(0.8968253968253969, 12);
    expect(rocAucOvr(y, P, 3, 'weighted')).toBeCloseTo(0.9071428571428571, 12);
    close(rocAucPerClass(y, P, 3), [0.7857142857142857, 0.9047619047619048, 1.0], 12);
  });

  it('throws when a class has no rows, rows do not sum to 1, or the matrix has the wrong size', () => {
    expect(errorOf(() => rocAucOvr([0, 1, 0, 1], Float64Array.from([0.5, 0.3, 0.2, 0.1, 0.8, 0.1, 0.6, 0.2, 0.2, 0.3, 0.3, 0.4]), 3)).message).toMatch(/class 2 has no rows/);
    const bad = P.slice();
    bad[0] = 0.9;
    expect(errorOf(() => rocAucOvr(y, bad, 3)).message).toMatch(/sum to 1/);
    expect(errorOf(() => rocAucOvr(y, P.subarray(3), 3)).code).toBe('invalid-argument');
  });
});

describe('accuracy, confusion matrix, precision / recall / F1', () => {
  // precision_recall_fscore_support / f1_score docstrings
  const yTrue = [0, 1, 2, 0, 1, 2], yPred = [0, 2, 1, 0, 0, 1];

  it('matches the sklearn docstring values (macro, micro, weighted, per class)', () => {
    const r = precisionRecallF1(yTrue, yPred);
    expect(r.macro.precision).toBeCloseTo(0.2222222222222222, 12);
    expect(r.macro.recall).toBeCloseTo(0.3333333333333333, 12);
    expect(r.macro.f1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.micro.precision).toBeCloseTo(0.3333333333333333, 12);
    expect(r.micro.f1).toBeCloseTo(0.3333333333333333, 12);
    expect(r.weighted.precision).toBeCloseTo(0.2222222222222222, 12);
    expect(r.weighted.f1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.labels).toEqual([0, 1, 2]);
    close(r.precision, [0.6666666666666666, 0, 0]);
    close(r.recall, [1, 0, 0]);
    close(r.f1, [0.8, 0, 0]);
    expect(r.support).toEqual([2, 2, 2]);
    expect(r.zeroDivision).toBe(false);
    expect(accuracy(yTrue, yPred)).toBeCloseTo(1 / 3, 12);
  });

  it('sets undefined ratios to 0 and flags them (zero_division="warn")', () => {
    // precision_recall_fscore_support([0,0,1,1], [0,0,0,0], average=...) → macro (0.25, 0.5, 0.333…), micro (0.5, 0.5,
    // 0.5), weighted (0.25, 0.5, 0.333…) with UndefinedMetricWarning for the precision of label 1
    const r = precisionRecallF1([0, 0, 1, 1], [0, 0, 0, 0]);
    expect([r.macro.precision, r.macro.recall, r.macro.f1]).toEqual([0.25, 0.5, expect.closeTo(1 / 3, 12)]);
    expect([r.micro.precision, r.micro.recall, r.micro.f1]).toEqual([0.5, 0.5, 0.5]);
    expect([r.weighted.precision, r.weighted.recall, r.weighted.f1]).toEqual([0.25, 0.5, expect.closeTo(1 / 3, 12)]);
    expect(r.undefinedPrecision).toEqual([1]);
    expect(r.undefinedRecall).toEqual([]);
    expect(r.zeroDivision).toBe(true);
  });

  it('scores exactly the given labels (sklearn labels=)', () => {
    // precision_recall_fscore_support([0,1,2,0,1,2], [0,2,1,0,0,1], labels=[0,1,2,3], average='macro') → (0.1666…, 0.25, 0.2)
    const r = precisionRecallF1(yTrue, yPred, { k: 4, labels: [0, 1, 2, 3] });
    expect(r.macro.precision).toBeCloseTo(0.16666666666666666, 12);
    expect(r.macro.recall).toBeCloseTo(0.25, 12);
    expect(r.macro.f1).toBeCloseTo(0.2, 12);
    expect(r.undefinedRecall).toEqual([3]);
    expect(errorOf(() => precisionRecallF1(yTrue, yPred, { labels: [0, 7] })).code).toBe('invalid-argument');
  });

  it('confusion matrix: rows = true, columns = predicted (sklearn docstrings)', () => {
    // confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
    // ["cat","ant","cat","cat","ant","bird"] vs ["ant","ant","cat","cat","ant","cat"], labels=["ant","bird","cat"]
    const code = { ant: 0, bird: 1, cat: 2 } as const;
    const t = (['cat', 'ant', 'cat', 'cat', 'ant', 'bird'] as const).map((x) => code[x]);
    const p = (['ant', 'ant', 'cat', 'cat', 'ant', 'cat'] as const).map((x) => code[x]);
    expect(confusionMatrix(Int32Array.from(t), Int32Array.from(p))).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
    expect(confusionMatrix([0, 1], [1, 1], 4)).toEqual([[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(errorOf(() => confusionMatrix([0, 4], [0, 1], 3)).message).toMatch(/only 3 classes/);
  });

  it('handles empty input, missing codes and mismatched lengths', () => {
    expect(accuracy([], [])).toBeNaN();
    expect(confusionMatrix([], [], 2)).toEqual([[0, 0], [0, 0]]);
    expect(precisionRecallF1([], []).macro.f1).toBeNaN();
    expect(accuracy([0, -1, 1, NaN], [0, 1, 0, 1])).toBe(0.5);
    const e = errorOf(() => accuracy([0, 1, 1], [0, 1]));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toMatch(/same length \(got 3 and 2\)/);
  });
});

describe('probability scores: Brier, log loss, calibration curve', () => {
  it('Brier score (binary) matches brier_score_loss', () => {
    // brier_score_loss([0,1,1,0], [0.1,0.9,0.8,0.3]) → 0.0375 (docstring)
    expect(brierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])).toBeCloseTo(0.0375, 12);
    expect(brierScore([], [])).toBeNaN();
    expect(errorOf(() => brierScore([0, 1], [0.2, 1.3])).message).toMatch(/\[0, 1\]/);
  });

  it('Brier score (multiclass) is Σ over classes; twice the binary one for k = 2', () => {
    // np.mean(np.sum((P - np.eye(3)[y])**2, axis=1)) on the OvR fixture → 0.437
    const y = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2];
    const P = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4, 0.4, 0.4, 0.2, 0.5, 0.25, 0.25, 0.2, 0.2, 0.6, 0.3, 0.5, 0.2, 0.25, 0.5, 0.25, 0.5, 0.1, 0.4];
    expect(brierScoreMulticlass(y, P, 3)).toBeCloseTo(0.437, 12);
    const p1 = [0.1, 0.9, 0.8, 0.3];
    expect(brierScoreMulticlass([0, 1, 1, 0], p1.flatMap((p) => [1 - p, p]), 2)).toBeCloseTo(2 * 0.0375, 12);
  });

  it('log loss matches sklearn 1.2 (clipping at float64 eps, rows renormalised)', () => {
    // log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]) → 0.21616… (docstring; ham = 0, spam = 1)
    expect(logLoss([1, 0, 0, 1], [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2)).toBeCloseTo(0.21616187468057912, 12);
    // log_loss([0,1,1,0], [0.1,0.9,0.8,0.3]) → 0.19763488164214868 (1-D P(class 1))
    expect(logLoss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])).toBeCloseTo(0.19763488164214868, 12);
    // log_loss(y, P) on the OvR fixture → 0.7592934289892905
    const y = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2];
    const P = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4, 0.4, 0.4, 0.2, 0.5, 0.25, 0.25, 0.2, 0.2, 0.6, 0.3, 0.5, 0.2, 0.25, 0.5, 0.25, 0.5, 0.1, 0.4];
    expect(logLoss(y, P, 3)).toBeCloseTo(0.7592934289892905, 12);
    // log_loss([0,1], [[1.0,0.0],[1.0,0.0]]) → 18.021826694558577 (a 0 clipped to eps)
    expect(logLoss([0, 1], [1, 0, 1, 0], 2)).toBeCloseTo(18.021826694558577, 9);
    // log_loss([0,1,2], [[0.2,0.2,0.2],[0.1,0.5,0.4],[0.3,0.3,0.9]]) → 0.7675283643313486 (rows renormalised)
    expect(logLoss([0, 1, 2], [0.2, 0.2, 0.2, 0.1, 0.5, 0.4, 0.3, 0.3, 0.9], 3)).toBeCloseTo(0.7675283643313486, 12);
    expect(errorOf(() => logLoss([0, 1], [0.2, 0.8, 0.1], 2)).code).toBe('invalid-argument');
  });

  it('calibration curve matches the sklearn docstring (n_bins = 3) and bin edges as np.searchsorted', () => {
    // calibration_curve([0,0,0,0,1,1,1,1,1], [0.1,0.2,0.3,0.4,0.65,0.7,0.8,0.9,1.0], n_bins=3)
    const c = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0], 3);
    close(c.probTrue, [0, 0.5, 1]);
    close(c.probPred, [0.2, 0.525, 0.85]);
    expect(c.counts).toEqual([3, 2, 4]);
    // y = [0,1,0,1,1,0,1,1,0,1,0,1]; p = [0.0,0.1,0.1,0.3,0.30000000000000004,0.35,0.5,0.55,0.7,0.95,1.0,0.2]
    // calibration_curve(y, p, n_bins=10): a value on an edge (0.1, 0.2, 0.5, 0.7) falls in the lower bin, and
    // 0.30000000000000004 = 3 * 0.1 is the edge itself
    const e = calibrationCurve([0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1], [0.0, 0.1, 0.1, 0.3, 0.30000000000000004, 0.35, 0.5, 0.55, 0.7, 0.95, 1.0, 0.2]);
    close(e.probTrue, [0.3333333333333333, 1, 1, 0, 1, 1, 0, 0.5]);
    close(e.probPred, [0.06666666666666667, 0.2, 0.30000000000000004, 0.35, 0.5, 0.55, 0.7, 0.975]);
    expect(e.counts).toEqual([3, 1, 2, 1, 1, 1, 1, 2]);
    expect(e.bins[0]).toEqual({ x0: 0, x1: 0.1 });
    expect(e.bins[7].x0).toBeCloseTo(0.9, 15);
    expect(e.bins[7].x1).toBe(1);
    expect(errorOf(() => calibrationCurve([0, 1], [0.5, 1.5])).code).toBe('invalid-argument');
    expect(errorOf(() => calibrationCurve([0, 1], [0.5, 0.5], 0)).code).toBe('invalid-argument');
  });
});

describe('regression', () => {
  // r2_score / mean_absolute_error / mean_squared_error docstrings
  const t = [3, -0.5, 2, 7], p = [2.5, 0.0, 2, 8];

  it('matches the sklearn docstring values', () => {
    expect(r2(t, p)).toBeCloseTo(0.9486081370449679, 12);
    expect(mae(t, p)).toBeCloseTo(0.5, 12);
    expect(mse(t, p)).toBeCloseTo(0.375, 12);
    expect(rmse(Float64Array.from(t), Float32Array.from(p))).toBeCloseTo(0.6123724356957945, 12);
    // r2_score([1,2,3], [3,2,1]) → -3.0
    expect(r2([1, 2, 3], [3, 2, 1])).toBeCloseTo(-3, 12);
  });

  it('R² of a constant y_true is 1.0 when perfect, else 0.0; NaN with fewer than two rows (sklearn 1.2)', () => {
    // r2_score([-2,-2,-2], [-2,-2,-2]) → 1.0; r2_score([-2,-2,-2], [-2,-2,-2+1e-8]) → 0.0; r2_score([1], [1]) → nan
    expect(r2([-2, -2, -2], [-2, -2, -2])).toBe(1);
    expect(r2([-2, -2, -2], [-2, -2, -2 + 1e-8])).toBe(0);
    expect(r2([1], [1])).toBeNaN();
  });

  it('leaves out non-finite rows; empty → NaN; mismatched lengths throw', () => {
    expect(mae([3, NaN, -0.5, 2, 7, 1], [2.5, 1, 0, 2, 8, Infinity])).toBeCloseTo(0.5, 12);
    expect(rmse([], [])).toBeNaN();
    expect(mae([], [])).toBeNaN();
    expect(errorOf(() => mse([1, 2], [1])).code).toBe('invalid-argument');
  });

  it('residual summary: every row when few, a seeded sample of at most maxPoints otherwise, histogram of all', () => {
    const small = residualSummary(t, p);
    expect(small.points.rows).toEqual([0, 1, 2, 3]);
    close(small.points.residual, [0.5, -0.5, 0, -1]);
    expect(small.points.predicted).toEqual(p);
    expect(small.histogram.reduce((a, b) => a + b.count, 0)).toBe(4);
    expect(small.min).toBe(-1);
    expect(small.max).toBe(0.5);
    expect(small.mean).toBeCloseTo(-0.25, 12);

    const rng = seeded(3);
    const n = 10_000;
    const yt = Float64Array.from({ length: n }, () => rng.normal());
    const yp = Float64Array.from(yt, (v) => v + 0.1 * rng.normal());
    const big = residualSummary(yt, yp, { seed: 42 });
    expect(big.n).toBe(n);
    expect(big.points.rows.length).toBe(2000);
    for (let i = 1; i < 2000; i++) expect(big.points.rows[i]).toBeGreaterThan(big.points.rows[i - 1]);
    big.points.rows.forEach((r, i) => expect(big.points.residual[i]).toBe(yt[r] - yp[r]));
    expect(big.histogram.reduce((a, b) => a + b.count, 0)).toBe(n);
    expect(residualSummary(yt, yp, { seed: 42 })).toEqual(big);
    expect(residualSummary(yt, yp, { seed: 43 }).points.rows).not.toEqual(big.points.rows);
    // a uniform sample: about a fifth of each half of the rows
    const firstHalf = big.points.rows.filter((r) => r < n / 2).length;
    expect(Math.abs(firstHalf - 1000)).toBeLessThan(120);
    expect(residualSummary([], []).mean).toBeNull();
  });
});

describe('reports (plain JSON, null never NaN)', () => {
  it('classificationReport (binary) gives exactly rocAuc and averagePrecision, each curve made once, and the same notes when one class is missing', () => {
    const rng = seeded(31);
    const n = 50_000; // past the radix sort's threshold
    const y = Int32Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    const p1 = Float64Array.from(y, (v) => Math.min(1, Math.max(0, v * 0.3 + rng.next() * 0.7)));
    const r = classificationReport(y, Int32Array.from(p1, (p) => (p >= 0.5 ? 1 : 0)), p1, ['no', 'yes']);
    expect(r.probabilities!.rocAuc).toBe(rocAuc(y, p1));
    expect(r.probabilities!.averagePrecision).toBe(averagePrecision(y, p1));
    const one = classificationReport([1, 1, 1], [1, 1, 0], Float64Array.from([0.9, 0.8, 0.4]), ['no', 'yes']);
    expect(one.probabilities!.rocAuc).toBeNull();
    expect(one.probabilities!.rocCurves).toEqual([]);
    expect(one.notes.filter((m) => /ROC/.test(m)).length).toBeGreaterThan(0);
  });

  it('classificationReport (binary) bundles label and probability metrics', () => {
    const y = [0, 0, 1, 1], pred = [0, 1, 0, 1], p1 = [0.1, 0.4, 0.35, 0.8];
    const r = classificationReport(y, pred, Float64Array.from(p1), ['no', 'yes']);
    expectPlainJson(r);
    expect(r.n).toBe(4);
    expect(r.accuracy).toBe(0.5);
    expect(r.confusionMatrix).toEqual([[1, 1], [1, 1]]);
    expect(r.perClass.map((c) => c.name)).toEqual(['no', 'yes']);
    const pr = r.probabilities!;
    expect(pr.rocAuc).toBeCloseTo(0.75, 12);
    expect(pr.averagePrecision).toBeCloseTo(0.8333333333333333, 12);
    expect(pr.rocCurves[0].className).toBe('yes');
    expect(pr.rocCurves[0].thresholds[0]).toBeCloseTo(1.8, 12);
    expect(pr.brierDefinition).toBe('binary');
    expect(pr.logLoss).toBeCloseTo(logLoss(y, p1), 12);
    // the same from an n×2 matrix
    const r2x = classificationReport(y, pred, p1.flatMap((p) => [1 - p, p]), ['no', 'yes']);
    expect(r2x.probabilities!.rocAuc).toBeCloseTo(0.75, 12);
    expect(r2x.probabilities!.brier).toBeCloseTo(pr.brier!, 12);
  });

  it('classificationReport (multiclass) reports OvR AUC, notes undefined metrics, and lists every class', () => {
    const y = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2];
    const P = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4, 0.4, 0.4, 0.2, 0.5, 0.25, 0.25, 0.2, 0.2, 0.6, 0.3, 0.5, 0.2, 0.25, 0.5, 0.25, 0.5, 0.1, 0.4];
    const pred = [0, 1, 2, 2, 0, 0, 2, 1, 1, 0];
    const r = classificationReport(y, pred, P, ['a', 'b', 'c']);
    expectPlainJson(r);
    expect(r.probabilities!.rocAuc).toBeCloseTo(0.8968253968253969, 12);
    expect(r.probabilities!.rocAucWeighted).toBeCloseTo(0.9071428571428571, 12);
    expect(r.probabilities!.rocCurves.map((c) => c.className)).toEqual(['a', 'b', 'c']);
    expect(r.probabilities!.brier).toBeCloseTo(0.437, 12);
    expect(r.notes).toEqual([]);

    // class "d" has no rows at all: listed with zeros, left out of the averages; OvR AUC undefined with a note
    const P4 = Array.from({ length: 10 }, (_, i) => [...P.slice(3 * i, 3 * i + 3), 0]).flat();
    const r4 = classificationReport(y, pred, P4, ['a', 'b', 'c', 'd']);
    expectPlainJson(r4);
    expect(r4.perClass[3]).toEqual({ name: 'd', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r4.macro).toEqual(r.macro);
    expect(r4.probabilities!.rocAuc).toBeNull();
    expect(r4.probabilities!.rocAucPerClass!.slice(0, 3)).toEqual(r.probabilities!.rocAucPerClass);
    expect(r4.probabilities!.rocAucPerClass![3]).toBeNull();
    expect(r4.notes.join(' ')).toMatch(/Class "d" has no rows/);

    // rows that do not sum to 1: per-class AUCs stand, the sklearn averages are undefined
    const unnormalised = P.map((v) => 2 * v);
    const ru = classificationReport(y, pred, unnormalised, ['a', 'b', 'c']);
    expectPlainJson(ru);
    expect(ru.probabilities!.rocAucPerClass).toEqual(r.probabilities!.rocAucPerClass);
    expect(ru.probabilities!.rocAuc).toBeNull();
    expect(ru.notes.join(' ')).toMatch(/sum to 1/);
  });

  it('classificationReport with one class present and with no rows stays plain JSON', () => {
    const one = classificationReport([1, 1, 1], [1, 0, 1], [0.9, 0.2, 0.7], ['no', 'yes']);
    expectPlainJson(one);
    expect(one.probabilities!.rocAuc).toBeNull();
    expect(one.notes.join(' ')).toMatch(/only class 1/);
    const none = classificationReport([], [], null, ['no', 'yes']);
    expectPlainJson(none);
    expect(none.accuracy).toBeNull();
    expect(none.macro.f1).toBeNull();
    expect(none.probabilities).toBeNull();
  });

  it('regressionReport bundles RMSE, MAE, R² and residuals', () => {
    const r = regressionReport([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);
    expectPlainJson(r);
    expect(r.rmse).toBeCloseTo(0.6123724356957945, 12);
    expect(r.mae).toBe(0.5);
    expect(r.r2).toBeCloseTo(0.9486081370449679, 12);
    const one = regressionReport([1], [2]);
    expectPlainJson(one);
    expect(one.r2).toBeNull();
    expect(one.notes.length).toBe(1);
  });
});

describe('permutationImportance', () => {
  it('gives baseline − permuted score; a feature the score ignores has exactly 0', () => {
    const rng = seeded(5);
    const n = 500;
    const x0 = Float64Array.from({ length: n }, () => rng.normal());
    const x1 = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from(x0, (v) => 3 * v);
    // score = −MSE of the "model" 3·x0 (higher is better)
    const score = (cols: Float64Array[]) => -mse(y, Float64Array.from(cols[0], (v) => 3 * v));
    const calls: Float64Array[][] = [];
    const r = permutationImportance((cols) => { calls.push(cols); return score(cols); }, [x0, x1], 4, 1);
    expect(r.baseline).toBe(-0);
    expect(r.importances[1]).toEqual([0, 0, 0, 0]);
    expect(r.mean[1]).toBe(0);
    expect(r.std[1]).toBe(0);
    // shuffling x0 of a standard normal: E[MSE] = 9 · 2 · Var(x0) ≈ 18
    expect(r.mean[0]).toBeGreaterThan(14);
    expect(r.mean[0]).toBeLessThan(22);
    expect(r.std[0]).toBeCloseTo(Math.sqrt(r.importances[0].reduce((a, d) => a + (d - r.mean[0]) ** 2, 0) / 4), 12);
    expect(calls.length).toBe(1 + 2 * 4);
    // inputs are not modified, and every permuted column is a permutation of the original
    expect(Array.from(calls[1][0]).sort()).toEqual(Array.from(x0).sort());
    expect(calls[1][1]).toBe(x1);
    expect(permutationImportance(score, [x0, x1], 4, 1)).toEqual(r);
    expect(errorOf(() => permutationImportance(score, [x0, x1.subarray(1)], 2, 0)).code).toBe('invalid-argument');
    expect(errorOf(() => permutationImportance(score, [x0], 0, 0)).code).toBe('invalid-argument');
  });

  it('gives the same importances when the score is async (a model predicts asynchronously), and stops on abort', async () => {
    const rng = seeded(7);
    const n = 200;
    const x0 = Float64Array.from({ length: n }, () => rng.normal());
    const x1 = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from(x0, (v, i) => 2 * v - x1[i]);
    const score = (cols: Float64Array[]) => -mse(y, Float64Array.from(cols[0], (v, i) => 2 * v - cols[1][i]));
    const sync = permutationImportance(score, [x0, x1], 3, 9);
    const viaPromise = await permutationImportance(async (cols: Float64Array[]) => score(cols), [x0, x1], 3, 9);
    expect(viaPromise).toEqual(sync);
    const controller = new AbortController();
    let calls = 0;
    const aborted = permutationImportance(async (cols: Float64Array[]) => { if (++calls === 3) controller.abort(); return score(cols); }, [x0, x1], 3, 9, controller.signal);
    await expect(aborted).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls).toBe(3);
  });
});

describe('metricsBySlice', () => {
  it('counts rows and computes accuracy or RMSE per slice', () => {
    const slices = Int32Array.from([0, 0, 1, 1, 1, -1, 2]);
    const cls = metricsBySlice(slices, ['a', 'b', 'c', 'd'], [0, 1, 1, 1, 0, 1, -1], [0, 0, 1, 1, 1, 1, 0], 'classification');
    expect(cls).toEqual([
      { name: 'a', count: 2, metric: 'accuracy', value: 0.5 },
      { name: 'b', count: 3, metric: 'accuracy', value: 2 / 3 },
      { name: 'c', count: 0, metric: 'accuracy', value: null },
      { name: 'd', count: 0, metric: 'accuracy', value: null }
    ]);
    const reg = metricsBySlice([1, 0, 1, 0], ['x', 'y'], [3, -0.5, 2, 7], [2.5, 0.0, 2, 8], 'regression');
    expect(reg[0]).toEqual({ name: 'x', count: 2, metric: 'rmse', value: expect.closeTo(Math.sqrt((0.25 + 1) / 2), 12) });
    expect(reg[1]).toEqual({ name: 'y', count: 2, metric: 'rmse', value: expect.closeTo(Math.sqrt(0.25 / 2), 12) });
    expect(errorOf(() => metricsBySlice([0, 3], ['x'], [1, 2], [1, 2], 'regression')).message).toMatch(/no name/);
    expect(errorOf(() => metricsBySlice([0], ['x'], [1, 2], [1, 2], 'regression')).code).toBe('invalid-argument');
  });
});

describe('binaryCurveCounts at scale (the radix sort path, from 32,768 rows)', () => {
  /** The counts re-derived plainly: distinct scores descending, and the positives and negatives scored at or above each. */
  function reference(y: number[], s: number[]) {
    const rows = y.map((label, i) => ({ label, score: s[i] })).filter((r) => Number.isFinite(r.score));
    const distinct = [...new Set(rows.map((r) => r.score))].sort((a, b) => b - a);
    const fps: number[] = [], tps: number[] = [];
    const byScore = new Map<number, { pos: number; neg: number }>();
    for (const r of rows) {
      const e = byScore.get(r.score) ?? { pos: 0, neg: 0 };
      if (r.label) e.pos++;
      else e.neg++;
      byScore.set(r.score, e);
    }
    let tp = 0, fp = 0;
    for (const v of distinct) {
      tp += byScore.get(v)!.pos;
      fp += byScore.get(v)!.neg;
      tps.push(tp);
      fps.push(fp);
    }
    return { fps, tps, thresholds: distinct };
  }

  it('gives one step per distinct score, ties (and -0 with 0) together, over 100,000 rows', () => {
    const rng = seeded(20261207);
    const n = 100_000;
    const y: number[] = [], s: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = rng.next();
      y.push(rng.next() < p ? 1 : 0);
      // Rounded to 3 decimals (ties), a few -0 and 0, a few non-finite (left out).
      const r = i % 997 === 0 ? -0 : i % 991 === 0 ? 0 : i % 1009 === 0 ? NaN : Math.round(p * 1000) / 1000 - 0.5;
      s.push(r);
    }
    const c = binaryCurveCounts(y, Float64Array.from(s));
    const want = reference(y, s);
    expect(Array.from(c.thresholds)).toEqual(want.thresholds);
    expect(Array.from(c.tps)).toEqual(want.tps);
    expect(Array.from(c.fps)).toEqual(want.fps);
  });
});

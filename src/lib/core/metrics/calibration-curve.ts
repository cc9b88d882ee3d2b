/**
 * Reliability diagram data as sklearn 1.2 calibration_curve(y_true, y_prob, n_bins, strategy='uniform'), with n_bins
 * defaulting to 10 here (sklearn's default is 5). The edges are i · (1/n_bins) (np.linspace); a probability p goes to
 * the bin counted by the inner edges strictly below it (np.searchsorted, side='left': p equal to an edge falls in the
 * lower bin); every non-empty bin gives the share of positives (prob_true) and the mean probability (prob_pred).
 * Also returned: each kept bin's row count and edges.
 * Labels 0/1 (1 = positive); rows with a missing label or a non-finite probability are left out; probabilities
 * outside [0, 1] throw.
 */
import { binaryPairs, checkProbabilities, invalid, type Numbers } from './input.ts';

export interface CalibrationCurve {
  /** Share of positives in each non-empty bin. */
  probTrue: number[];
  /** Mean predicted probability in each non-empty bin. */
  probPred: number[];
  /** Rows in each non-empty bin. */
  counts: number[];
  /** Edges [x0, x1] of each non-empty bin. */
  bins: { x0: number; x1: number }[];
}

export function calibrationCurve(yTrue: Numbers, probTrue: Numbers, nBins = 10): CalibrationCurve {
  if (!Number.isInteger(nBins) || nBins < 1) invalid(`The number of calibration bins must be an integer ≥ 1 (got ${nBins}).`);
  const { y, s } = binaryPairs(yTrue, probTrue, 'y_true and the probabilities');
  checkProbabilities(s);
  const step = 1 / nBins;
  const edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * step));
  const sums = new Float64Array(nBins), trues = new Float64Array(nBins), totals = new Float64Array(nBins);
  for (let i = 0; i < s.length; i++) {
    // number of inner edges (edges[1..nBins-1]) strictly below s[i]
    let lo = 1, hi = nBins;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < s[i]) lo = mid + 1;
      else hi = mid;
    }
    const b = lo - 1;
    sums[b] += s[i];
    trues[b] += y[i];
    totals[b]++;
  }
  const out: CalibrationCurve = { probTrue: [], probPred: [], counts: [], bins: [] };
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    out.probTrue.push(trues[b] / totals[b]);
    out.probPred.push(sums[b] / totals[b]);
    out.counts.push(totals[b]);
    out.bins.push({ x0: edges[b], x1: edges[b + 1] });
  }
  return out;
}

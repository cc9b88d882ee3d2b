/**
 * What a residual plot needs, in plain JSON: residual = y_true − y_pred (the convention of sklearn's
 * PredictionErrorDisplay), at most `maxPoints` (predicted, residual) pairs for the scatter — every row when there are
 * few enough, else a uniform sample without replacement drawn with the seeded PRNG (selection sampling, so rows stay
 * in order) — and a histogram of all residuals with d3's nice bins (as the data profile draws them). Rows where
 * either value is not finite are left out.
 */
import { histogramSorted } from '../profile/histogram.ts';
import type { HistogramBin } from '../profile/types.ts';
import { seeded } from '../random.ts';
import { checkSameLength, invalid, type Numbers } from './input.ts';

export interface ResidualSummary {
  /** Rows with both values finite. */
  n: number;
  /** The sampled rows (row numbers of the input, ascending), their predictions and residuals. */
  points: { rows: number[]; predicted: number[]; residual: number[] };
  histogram: HistogramBin[];
  /** Mean, population standard deviation, min and max of the residuals; null when n = 0. */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface ResidualOptions {
  /** Most pairs in `points` (default 2000). */
  maxPoints?: number;
  /** PRNG seed for the sample (default 0). */
  seed?: number;
  /** Histogram bin count asked of d3 (default 30; d3 rounds to nice edges). */
  bins?: number;
}

export function residualSummary(yTrue: Numbers, yPred: Numbers, options: ResidualOptions = {}): ResidualSummary {
  const { maxPoints = 2000, seed = 0, bins = 30 } = options;
  if (!Number.isInteger(maxPoints) || maxPoints < 0) invalid(`maxPoints must be an integer ≥ 0 (got ${maxPoints}).`);
  checkSameLength(yTrue, yPred);
  const rows: number[] = [];
  for (let i = 0; i < yTrue.length; i++) if (Number.isFinite(yTrue[i]) && Number.isFinite(yPred[i])) rows.push(i);
  const n = rows.length;
  const residuals = new Float64Array(n);
  let mean = 0;
  for (let j = 0; j < n; j++) { residuals[j] = yTrue[rows[j]] - yPred[rows[j]]; mean += residuals[j]; }
  mean /= n;
  let ss = 0;
  for (let j = 0; j < n; j++) ss += (residuals[j] - mean) ** 2;

  // Knuth's selection sampling (Algorithm S): row j is taken with probability (still needed) / (still left).
  const picked: number[] = [];
  if (n <= maxPoints) for (let j = 0; j < n; j++) picked.push(j);
  else {
    const rng = seeded(seed);
    for (let j = 0; j < n && picked.length < maxPoints; j++) if (rng.next() * (n - j) < maxPoints - picked.length) picked.push(j);
  }

  const sorted = residuals.slice().sort();
  return {
    n,
    points: {
      rows: picked.map((j) => rows[j]),
      predicted: picked.map((j) => yPred[rows[j]]),
      residual: picked.map((j) => residuals[j])
    },
    histogram: histogramSorted(sorted, bins),
    mean: n ? mean : null,
    std: n ? Math.sqrt(ss / n) : null,
    min: n ? sorted[0] : null,
    max: n ? sorted[n - 1] : null
  };
}

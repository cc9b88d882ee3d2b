/**
 * Paired bootstrap confidence interval of the difference of a metric between two models scored on the same rows:
 * draw n row indices with replacement (the one seeded PRNG, core/random.ts), score both models on that resample,
 * keep metric(B) − metric(A); repeat B times (default 2,000); the 95% interval is the 2.5th and 97.5th percentiles of
 * those differences (numpy.percentile's default linear interpolation). Resampling rows, not models, keeps the pairing:
 * a row that is hard for both models moves both scores together, so the interval is about the difference only.
 *
 * `pairedBootstrap` takes the metric as a function of row indices; `pairedBootstrapAccuracy` and
 * `pairedBootstrapError` (RMSE, MAE) are fast paths that draw the very same indices for the same seed, so they give
 * exactly what the generic form gives with those metrics.
 */
import { throwIfAborted } from '../errors.ts';
import { seeded } from '../random.ts';
import { checkSeed } from '../seed.ts';
import { DEFAULT_SEED } from '../split.ts';
import { discordantCounts, type Correctness } from './mcnemar.ts';
import { checkSameLength, invalid, type Numbers } from './input.ts';

export const DEFAULT_RESAMPLES = 2000;

export interface PairedBootstrapOptions {
  /** Number of resamples (default 2,000). */
  resamples?: number;
  /** Seeds the resampling (default DEFAULT_SEED, 42, as everywhere). */
  seed?: number;
  signal?: AbortSignal;
}

export interface PairedBootstrap {
  /** metric(B) − metric(A) on all rows. */
  estimate: number;
  /** 2.5th and 97.5th percentiles of the resampled differences. */
  ci95: [number, number];
  resamples: number;
}

/** The q-quantile of sorted values, numpy.percentile's 'linear' method: position q·(m − 1), interpolated. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function settings(n: number, opts: PairedBootstrapOptions): { resamples: number; seed: number } {
  if (!Number.isInteger(n) || n < 1) invalid(`A bootstrap needs at least one row; got ${n}.`);
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) invalid(`The number of bootstrap resamples must be a whole number ≥ 1; got ${resamples}.`);
  return { resamples, seed: checkSeed(opts.seed ?? DEFAULT_SEED) };
}

/**
 * The shared loop: for each resample, `draw(rows)` gets the n drawn indices and returns that resample's difference.
 * Indices are drawn in the same order everywhere, so every path sees the same resamples for the same seed.
 */
function bootstrap(n: number, estimate: number, draw: (rows: Uint32Array) => number, opts: PairedBootstrapOptions): PairedBootstrap {
  const { resamples, seed } = settings(n, opts);
  const rng = seeded(seed);
  const rows = new Uint32Array(n);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    if ((r & 63) === 0) throwIfAborted(opts.signal);
    for (let i = 0; i < n; i++) rows[i] = rng.int(n);
    diffs[r] = draw(rows);
  }
  diffs.sort();
  return { estimate, ci95: [quantileSorted(diffs, 0.025), quantileSorted(diffs, 0.975)], resamples };
}

/** Generic form: each metric is a function of the row indices it is scored on (repeats count as often as drawn). */
export function pairedBootstrap(
  n: number,
  metricA: (rows: Uint32Array) => number,
  metricB: (rows: Uint32Array) => number,
  opts: PairedBootstrapOptions = {},
): PairedBootstrap {
  settings(n, opts);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  return bootstrap(n, metricB(all) - metricA(all), (rows) => metricB(rows) - metricA(rows), opts);
}

/** Accuracy(B) − accuracy(A) from each model's per-row correctness. */
export function pairedBootstrapAccuracy(correctA: Correctness, correctB: Correctness, opts: PairedBootstrapOptions = {}): PairedBootstrap {
  discordantCounts(correctA, correctB); // validates lengths and values
  const n = correctA.length;
  // Per row, B's correctness minus A's: −1, 0 or 1; the accuracy difference of a resample is their mean.
  const d = new Int8Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) { d[i] = Number(correctB[i]) - Number(correctA[i]); sum += d[i]; }
  return bootstrap(n, sum / n, (rows) => {
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += d[rows[i]];
    return s / rows.length;
  }, opts);
}

/**
 * RMSE(B) − RMSE(A) or MAE(B) − MAE(A) against the true values. Every value must be finite (leave missing rows out
 * first: the pairing needs both models scored on the same rows).
 */
export function pairedBootstrapError(yTrue: Numbers, predA: Numbers, predB: Numbers, metric: 'rmse' | 'mae', opts: PairedBootstrapOptions = {}): PairedBootstrap {
  checkSameLength(yTrue, predA, 'The true values and model A\'s predictions');
  checkSameLength(yTrue, predB, 'The true values and model B\'s predictions');
  const n = yTrue.length;
  const ea = new Float64Array(n), eb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i], a = predA[i], b = predB[i];
    if (!Number.isFinite(t) || !Number.isFinite(a) || !Number.isFinite(b))
      invalid(`Row ${i + 1} has a missing or infinite value (true ${t}, A ${a}, B ${b}); leave such rows out before the bootstrap.`, { row: i });
    ea[i] = metric === 'rmse' ? (t - a) ** 2 : Math.abs(t - a);
    eb[i] = metric === 'rmse' ? (t - b) ** 2 : Math.abs(t - b);
  }
  const score = metric === 'rmse' ? (sum: number, m: number) => Math.sqrt(sum / m) : (sum: number, m: number) => sum / m;
  let sa = 0, sb = 0;
  for (let i = 0; i < n; i++) { sa += ea[i]; sb += eb[i]; }
  return bootstrap(n, score(sb, n) - score(sa, n), (rows) => {
    let ra = 0, rb = 0;
    for (let i = 0; i < rows.length; i++) { const j = rows[i]; ra += ea[j]; rb += eb[j]; }
    return score(rb, rows.length) - score(ra, rows.length);
  }, opts);
}

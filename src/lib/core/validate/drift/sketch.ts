/**
 * Drift tests of a numeric column against a reference known only by its summary (summary.ts), for columns of more
 * than 20 distinct values, whose rows the summary does not keep:
 *   - the reference CDF is read off the quantile sketch: knots (q_k, k / (m − 1)), linear between knots, a jump where
 *     several knots share a value (a value that many rows hold);
 *   - KS: sup |F_ref − F_cur| over the knots and the current values (between two such points F_cur is constant and
 *     F_ref linear, so the supremum is at one of them, on either side); its p-value as ks.ts computes it for the
 *     two sample sizes;
 *   - Wasserstein: ∫ |F_ref − F_cur| dx, exactly, piece by piece (a linear piece minus a constant), normed by the
 *     reference's population standard deviation, as wasserstein.ts;
 *   - PSI, Jensen–Shannon, L∞: the reference's decile buckets and their counts are in the summary exactly, so these
 *     are the row-based values exactly.
 */
import { bisectLeft, bisectRight } from 'd3-array';
import { jensenShannonDistance, JENSEN_SHANNON_THRESHOLD } from './jensenshannon.ts';
import { ksPValue, KS_THRESHOLD } from './ks.ts';
import { LINF_THRESHOLD } from './linf.ts';
import { PSI_THRESHOLD } from './psi.ts';
import { EMPTY_BUCKET_SHARE } from './shares.ts';
import type { NumericSummary } from './summary.ts';
import type { DriftResult } from './types.ts';
import { WASSERSTEIN_THRESHOLD } from './wasserstein.ts';

/** Evidently's floor for the Wasserstein norm (wasserstein.ts). */
const MIN_NORM = 0.001;

/** The reference CDF a quantile sketch stands for. */
export class SketchCdf {
  private readonly step: number;
  constructor(private readonly q: readonly number[]) {
    this.step = 1 / (q.length - 1);
  }

  /** F(x): share of the reference ≤ x. */
  at(x: number): number {
    return this.interpolate(bisectRight(this.q as number[], x) - 1, x);
  }

  /** F(x−): share of the reference < x. */
  before(x: number): number {
    return this.interpolate(bisectLeft(this.q as number[], x) - 1, x);
  }

  /** Between knot j (q_j ≤ x) and knot j + 1 (x ≤ q_{j+1}, strictly above q_j). */
  private interpolate(j: number, x: number): number {
    const q = this.q;
    if (j < 0) return 0;
    if (j >= q.length - 1) return 1;
    return (j + (x - q[j]) / (q[j + 1] - q[j])) * this.step;
  }
}

/** Distinct values of the sketch's knots and an ascending sample, merged ascending. */
function breakpoints(knots: readonly number[], current: Float64Array): number[] {
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < knots.length || j < current.length) {
    const x = j >= current.length || (i < knots.length && knots[i] <= current[j]) ? knots[i] : current[j];
    if (out.length === 0 || x > out[out.length - 1]) out.push(x);
    while (i < knots.length && knots[i] <= x) i++;
    while (j < current.length && current[j] <= x) j++;
  }
  return out;
}

/** KS statistic between the sketched reference CDF and an ascending current sample. */
export function ksStatisticFromSketch(quantiles: readonly number[], current: Float64Array): number {
  const F = new SketchCdf(quantiles);
  const n = current.length;
  let d = 0;
  for (const x of breakpoints(quantiles, current)) {
    const right = Math.abs(F.at(x) - bisectRight(current, x) / n);
    const left = Math.abs(F.before(x) - bisectLeft(current, x) / n);
    d = Math.max(d, right, left);
  }
  return Math.min(1, d);
}

/** ∫ |F_ref − F_cur| dx between the sketched reference and an ascending current sample. */
export function wassersteinFromSketch(quantiles: readonly number[], current: Float64Array): number {
  const F = new SketchCdf(quantiles);
  const n = current.length;
  const xs = breakpoints(quantiles, current);
  let sum = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const L = xs[i + 1] - xs[i];
    const c = bisectRight(current, xs[i]) / n; // constant on (x_i, x_{i+1})
    const a = F.at(xs[i]) - c, b = F.before(xs[i + 1]) - c; // F linear in between
    if (a * b >= 0) sum += (L * Math.abs(a + b)) / 2;
    else sum += (L * (a * a + b * b)) / (2 * Math.abs(b - a)); // the line crosses zero once
  }
  return sum;
}

type Base = Pick<DriftResult, 'threshold' | 'referenceSize' | 'currentSize'>;

export function ksFromSummary(ref: NumericSummary, current: Float64Array, threshold = KS_THRESHOLD): DriftResult {
  const base: Base = { threshold, referenceSize: ref.count, currentSize: current.length };
  const s = ksStatisticFromSketch(ref.quantiles, current);
  const { d, p } = ksPValue(s, ref.count, current.length);
  return { test: 'ks', ...base, statistic: d, pValue: p, drifted: p < threshold };
}

export function wassersteinFromSummary(ref: NumericSummary, current: Float64Array, threshold = WASSERSTEIN_THRESHOLD): DriftResult {
  const base: Base = { threshold, referenceSize: ref.count, currentSize: current.length };
  const d = wassersteinFromSketch(ref.quantiles, current) / Math.max(ref.std ?? 0, MIN_NORM);
  return { test: 'wasserstein', ...base, statistic: d, pValue: null, drifted: d >= threshold };
}

/** Reference and current shares over the summary's decile buckets (shares.ts `binned`). */
function bucketShares(ref: NumericSummary, current: Float64Array): { r: Float64Array; c: Float64Array } {
  const { cuts, counts } = ref.bins;
  const r = Float64Array.from(counts, (k) => k / ref.count);
  const c = new Float64Array(counts.length);
  for (let i = 0; i < current.length; i++) c[bisectRight(cuts, current[i])]++;
  for (let i = 0; i < c.length; i++) c[i] /= current.length;
  return { r, c };
}

/** Evidently's empty-bucket share, as shares.ts fills it for PSI. */
function fillZeros(p: Float64Array): void {
  let min = Infinity;
  for (const x of p) if (x !== 0 && x < min) min = x;
  if (min === Infinity) return;
  const fill = min <= EMPTY_BUCKET_SHARE ? min / 1e6 : EMPTY_BUCKET_SHARE;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = fill;
}

export function sharesTestFromSummary(test: 'psi' | 'jensenshannon' | 'linf', ref: NumericSummary, current: Float64Array, threshold?: number): DriftResult {
  const { r, c } = bucketShares(ref, current);
  const base = { referenceSize: ref.count, currentSize: current.length };
  if (test === 'psi') {
    fillZeros(r);
    fillZeros(c);
    let value = 0;
    for (let i = 0; i < r.length; i++) value += (r[i] - c[i]) * Math.log(r[i] / c[i]);
    const t = threshold ?? PSI_THRESHOLD;
    return { test, ...base, threshold: t, statistic: value, pValue: null, drifted: value >= t, logBase: 'e' };
  }
  if (test === 'jensenshannon') {
    const d = jensenShannonDistance(r, c);
    const t = threshold ?? JENSEN_SHANNON_THRESHOLD;
    return { test, ...base, threshold: t, statistic: d, pValue: null, drifted: d >= t, logBase: 'e' };
  }
  let d = 0;
  for (let i = 0; i < r.length; i++) d = Math.max(d, Math.abs(r[i] - c[i]));
  const t = threshold ?? LINF_THRESHOLD;
  return { test, ...base, threshold: t, statistic: d, pValue: null, drifted: d >= t };
}

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp(reference, current, method='auto') in SciPy
 * 1.10: the statistic is the largest gap between the two empirical CDFs; the p-value is EXACT when the larger sample
 * has at most 10 000 values (Hodges' lattice-path count, Viehmann's 1 − p recursion; for equal sizes the closed form
 * for paths outside a square) and falls back to the asymptotic one when the exact computation fails (a floating-point
 * overflow, or a probability outside [0, 1]). Above 10 000 the p-value is asymptotic: the one-sample distribution
 * kstwo.sf(D, round(n·m / (n + m))). In exact mode D is snapped to the lattice, D = round(D·lcm) / lcm, as SciPy does.
 * Drift when p < threshold (0.05).
 */
import { kolmogorovSf } from './kolmogorov.ts';
import { gcd, roundHalfEven } from './special.ts';
import { viewOf, type DriftResult, type SampleInput } from './types.ts';

export const KS_THRESHOLD = 0.05;
const MAX_AUTO_N = 10_000;

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult extends DriftResult {
  /** Which p-value was computed. */
  method: 'exact' | 'asymp' | null;
}

export function ks(reference: SampleInput, current: SampleInput, opts: { threshold?: number; method?: KsMethod } = {}): KsResult {
  const threshold = opts.threshold ?? KS_THRESHOLD;
  const a = viewOf(reference).sorted(), b = viewOf(current).sorted();
  const n1 = a.length, n2 = b.length;
  const base = { test: 'ks' as const, threshold, referenceSize: n1, currentSize: n2 };
  if (n1 === 0 || n2 === 0) return { ...base, statistic: null, pValue: null, drifted: false, method: null };
  const s = ksStatistic(a, b);
  const { d, p, method } = ksPValue(s, n1, n2, opts.method ?? 'auto');
  return { ...base, statistic: d, pValue: p, drifted: p < threshold, method };
}

/** sup |F₁ − F₂| over the pooled values of two ascending samples, with SciPy's choice between D⁺ and D⁻. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length, n2 = b.length;
  let i = 0, j = 0, maxS = -Infinity, minS = Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const dMinus = Math.min(1, Math.max(0, -minS));
  return dMinus > maxS ? dMinus : maxS;
}

/** The two-sided p-value of D for sample sizes n1, n2 (SciPy's method rules); D comes back snapped when exact. */
export function ksPValue(d: number, n1: number, n2: number, mode: KsMethod = 'auto'): { d: number; p: number; method: 'exact' | 'asymp' } {
  const g = gcd(n1, n2);
  let m: 'exact' | 'asymp' = mode === 'auto' ? (Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp') : mode;
  if (m === 'exact' && n1 / g >= 2147483647 / (n2 / g)) m = 'asymp';
  if (m === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    const snapped = h / lcm;
    if (h === 0) return { d: snapped, p: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { d: snapped, p, method: 'exact' };
    d = snapped;
  }
  const [big, small] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (big * small) / (big + small);
  const p = Math.min(1, Math.max(0, kolmogorovSf(roundHalfEven(en), d)));
  return { d, p, method: 'asymp' };
}

/** Share of lattice paths (n × n) that leave the band |x − y| < h (SciPy `_compute_prob_outside_square`). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** Share of lattice paths (m × n) that do not stay strictly inside |x/m − y/n| < h/lcm (SciPy's pythran kernel). */
function outerProbInside(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g, ng = n / g;
  let minj = 0, maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj, lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(lenA, maxj - minj + (lastlen - curlen)));
  }
  return A[maxj - minj - 1];
}

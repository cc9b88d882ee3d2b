/**
 * McNemar's test: do two models, scored on the same rows, have the same accuracy? Only the discordant rows count:
 * b = rows model A gets right and model B wrong, c = rows A gets wrong and B right. Under "same accuracy" each
 * discordant row is a fair coin, b ~ Bin(b + c, ½).
 *
 * - b + c < 25: the exact two-sided binomial test, p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½) — statsmodels'
 *   `mcnemar(table, exact=True)` (statistic = min(b, c)); equal to scipy's `binomtest(min(b, c), b + c).pvalue`, as
 *   Bin(n, ½) is symmetric.
 * - b + c ≥ 25: the chi-square statistic with Edwards' continuity correction, (|b − c| − 1)² / (b + c), 1 df —
 *   statsmodels' `mcnemar(table, exact=False, correction=True)`.
 * statsmodels itself has no cut-off (exact=True unless told otherwise); the b + c < 25 rule is the one in mlxtend's
 * McNemar guide (rasbt.github.io/mlxtend/user_guide/evaluate/mcnemar, citing Rufibach 2010, "Assessment of paired
 * binary data", Skeletal Radiology): below it the chi-square approximation is poor. `opts.exact` overrides it.
 * b + c = 0 (the models agree on every row) gives p = 1.
 */
import { chi2Sf, lnGamma } from '../validate/drift/special.ts';
import { invalid } from './input.ts';

/** Below this many discordant rows the exact binomial test is used (mlxtend's rule; see above). */
export const MCNEMAR_EXACT_BELOW = 25;

export type Correctness = Uint8Array | readonly boolean[];

export interface McNemarOptions {
  /** true: always the exact binomial test; false: always chi-square. Default: exact when b + c < 25. */
  exact?: boolean;
  /** Continuity correction of the chi-square statistic (default true; statsmodels' default). */
  correction?: boolean;
}

export interface McNemarResult {
  /** Rows A got right and B wrong. */
  b: number;
  /** Rows A got wrong and B right. */
  c: number;
  /** Exact: min(b, c); chi-square: (|b − c| − 1)² / (b + c) (without correction: (b − c)² / (b + c)). */
  statistic: number;
  pValue: number;
  exact: boolean;
}

function isRight(v: number | boolean, i: number, name: string): boolean {
  if (v === true || v === 1) return true;
  if (v === false || v === 0) return false;
  return invalid(`${name} must say for each row whether the model was right (true/false or 1/0); row ${i + 1} holds ${String(v)}.`, { row: i });
}

/** The discordant counts b (A right, B wrong) and c (A wrong, B right). */
export function discordantCounts(correctA: Correctness, correctB: Correctness): { b: number; c: number } {
  if (correctA.length !== correctB.length)
    invalid(`The two models' per-row results must have the same length (got ${correctA.length} and ${correctB.length}).`, { lengths: [correctA.length, correctB.length] });
  let b = 0, c = 0;
  for (let i = 0; i < correctA.length; i++) {
    const a = isRight(correctA[i], i, "Model A's per-row results"), bb = isRight(correctB[i], i, "Model B's per-row results");
    if (a && !bb) b++;
    else if (!a && bb) c++;
  }
  return { b, c };
}

/** P(X ≤ k) for X ~ Bin(n, ½): the largest term from log-gamma, the rest by the ratio C(n, i−1)/C(n, i) = i/(n−i+1). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // Up to 50 trials every binomial coefficient is an exact integer below 2^53 and dividing by 2^n is exact, so the
  // tail is exact (an exact test on b = 1, c = 2 gives p = 1, not 0.9999999999999991).
  if (n <= 50) {
    let coefficient = 1, total = 0;
    for (let i = 0; i <= k; i++) {
      total += coefficient;
      coefficient = (coefficient * (n - i)) / (i + 1);
    }
    return Math.min(1, total / 2 ** n);
  }
  let term = Math.exp(lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) - n * Math.LN2);
  let sum = 0;
  for (let i = k; i >= 0; i--) {
    sum += term;
    if (term < sum * 1e-17) break;
    term *= i / (n - i + 1);
  }
  return Math.min(1, sum);
}

/** McNemar's test on two models' per-row correctness (same rows, same order). */
export function mcnemar(correctA: Correctness, correctB: Correctness, opts: McNemarOptions = {}): McNemarResult {
  const { b, c } = discordantCounts(correctA, correctB);
  return mcnemarCounts(b, c, opts);
}

/** McNemar's test from the discordant counts themselves. */
export function mcnemarCounts(b: number, c: number, opts: McNemarOptions = {}): McNemarResult {
  for (const [name, v] of [['b', b], ['c', c]] as const)
    if (!Number.isInteger(v) || v < 0) invalid(`McNemar's ${name} must be a count (a whole number ≥ 0); got ${v}.`);
  const n = b + c;
  const exact = opts.exact ?? n < MCNEMAR_EXACT_BELOW;
  if (exact) {
    const m = Math.min(b, c);
    return { b, c, statistic: m, pValue: n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(m, n)), exact };
  }
  if (n === 0) return { b, c, statistic: 0, pValue: 1, exact };
  const d = Math.abs(b - c) - (opts.correction === false ? 0 : 1);
  // At b = c the corrected statistic is 1/(b + c), not 0: statsmodels computes it so, and p is then near 1 anyway.
  const statistic = (d * d) / n;
  return { b, c, statistic, pValue: chi2Sf(statistic, 1), exact };
}

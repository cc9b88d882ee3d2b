/**
 * McNemar's test against statsmodels 0.13.5 and scipy 1.10.1 (Debian /usr/bin/python3). The reference numbers were
 * printed by:
 *
 *   from statsmodels.stats.contingency_tables import mcnemar
 *   from scipy.stats import binomtest
 *   for (b, c) in [(3,9),(1,11),(12,12),(0,5),(7,17),(10,15),(10,20),(200,150),(0,0)]:
 *       t = [[5, b], [c, 4]]
 *       ex = mcnemar(t, exact=True); ch = mcnemar(t, exact=False, correction=True)
 *       print(b, c, ex.statistic, ex.pvalue, ch.statistic, ch.pvalue, binomtest(min(b, c), b + c, 0.5).pvalue)
 */
import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, mcnemar, mcnemarCounts } from '../../src/lib/core/metrics/mcnemar.ts';

/** [b, c, exact p (statsmodels exact=True = scipy binomtest), chi-square statistic, chi-square p (exact=False)]. */
const REFERENCE: [number, number, number, number, number][] = [
  [3, 9, 0.14599609375, 2.0833333333333335, 0.14891467317876161],
  [1, 11, 0.00634765625, 6.75, 0.0093747684594349],
  [12, 12, 1.0, 0.041666666666666664, 0.8382564863858263],
  [0, 5, 0.0625, 3.2, 0.07363827012030258],
  [7, 17, 0.06391465663909912, 3.375, 0.06619257972219346],
  [10, 15, 0.42435622215270996, 0.64, 0.4237107971667936],
  [10, 20, 0.09873714670538905, 2.7, 0.10034824646229054],
  [200, 150, 0.008720036530555943, 6.86, 0.008814654904213312],
];

/** Per-row correctness of two models with b rows A-only right, c rows B-only right, plus agreeing rows. */
function rows(b: number, c: number, bothRight = 5, bothWrong = 4): { a: boolean[]; bb: Uint8Array } {
  const a: boolean[] = [], bb: number[] = [];
  const push = (x: boolean, y: boolean, k: number) => { for (let i = 0; i < k; i++) { a.push(x); bb.push(y ? 1 : 0); } };
  push(true, true, bothRight);
  push(true, false, b);
  push(false, true, c);
  push(false, false, bothWrong);
  return { a, bb: Uint8Array.from(bb) };
}

describe('mcnemar', () => {
  it('counts b as rows A gets right and B wrong, c as rows A gets wrong and B right (a hand-made 2×2 table)', () => {
    // A: right, right, wrong, wrong, right; B: right, wrong, right, right, wrong → b = 2 (rows 2, 5), c = 2 (rows 3, 4).
    const r = mcnemar([true, true, false, false, true], Uint8Array.from([1, 0, 1, 1, 0]));
    expect([r.b, r.c]).toEqual([2, 2]);
    // Hand: exact, 2·P(X ≤ 2 | n = 4) = 2·(1 + 4 + 6)/16 = 1.375 → capped at 1.
    expect(r).toEqual({ b: 2, c: 2, statistic: 2, pValue: 1, exact: true });
  });

  it('uses the exact binomial test below 25 discordant rows, as statsmodels mcnemar(exact=True) and scipy binomtest', () => {
    for (const [b, c, p] of REFERENCE.filter(([b, c]) => b + c < 25)) {
      const { a, bb } = rows(b, c);
      const r = mcnemar(a, bb);
      expect(r.exact).toBe(true);
      expect(r.statistic).toBe(Math.min(b, c));
      expect(r.pValue).toBeCloseTo(p, 13);
    }
    // Hand: b = 3, c = 9: 2·(C(12,0) + C(12,1) + C(12,2) + C(12,3)) / 2¹² = 2·299/4096.
    expect(mcnemarCounts(3, 9).pValue).toBeCloseTo((2 * 299) / 4096, 14);
  });

  it('uses the continuity-corrected chi-square from 25 discordant rows on, as statsmodels mcnemar(exact=False)', () => {
    for (const [b, c, , stat, p] of REFERENCE.filter(([b, c]) => b + c >= 25)) {
      const { a, bb } = rows(b, c);
      const r = mcnemar(a, bb);
      expect(r.exact).toBe(false);
      expect(r.statistic).toBeCloseTo(stat, 12);
      expect(r.pValue).toBeCloseTo(p, 12);
    }
    // Hand: b = 10, c = 20 → (|10 − 20| − 1)² / 30 = 81/30 = 2.7.
    expect(mcnemarCounts(10, 20).statistic).toBeCloseTo(2.7, 14);
  });

  it('switches at b + c = 25: 24 discordant rows are exact, 25 are chi-square', () => {
    expect(mcnemarCounts(7, 17).exact).toBe(true);
    expect(mcnemarCounts(10, 15).exact).toBe(false);
  });

  it('follows opts.exact either way, matching statsmodels on every reference table', () => {
    for (const [b, c, pExact, stat, pChi] of REFERENCE) {
      const ex = mcnemarCounts(b, c, { exact: true });
      expect(ex.pValue).toBeCloseTo(pExact, 12);
      const ch = mcnemarCounts(b, c, { exact: false });
      expect(ch.statistic).toBeCloseTo(stat, 12);
      expect(ch.pValue).toBeCloseTo(pChi, 12);
    }
    // Without the correction: (b − c)² / (b + c); chi2.sf(36/12, 1) = 0.08326451666355042 (scipy: chi2.sf(3, 1)).
    const plain = mcnemarCounts(3, 9, { exact: false, correction: false });
    expect(plain.statistic).toBe(3);
    expect(plain.pValue).toBeCloseTo(0.08326451666355042, 13);
  });

  it('gives p = 1 when the models agree on every row (b + c = 0)', () => {
    expect(mcnemar([true, false, true], [true, false, true])).toEqual({ b: 0, c: 0, statistic: 0, pValue: 1, exact: true });
    expect(mcnemarCounts(0, 0, { exact: false }).pValue).toBe(1);
    expect(mcnemar([], []).pValue).toBe(1);
  });

  it('computes the binomial tail for many discordant rows (exact forced on 350 rows, statsmodels 0.008720036530555943)', () => {
    expect(mcnemarCounts(200, 150, { exact: true }).pValue).toBeCloseTo(0.008720036530555943, 13);
    expect(binomialHalfCdf(0, 10)).toBe(1 / 1024);
    expect(binomialHalfCdf(10, 10)).toBe(1);
  });

  it('refuses per-row results of different lengths, or a row that is neither right nor wrong', () => {
    expect(() => mcnemar([true], [true, false])).toThrow(/same length/);
    expect(() => mcnemar(Uint8Array.from([1, 2]), Uint8Array.from([1, 0]))).toThrow(/row 2 holds 2/);
    expect(() => mcnemarCounts(-1, 3)).toThrow(/count/);
  });

  it('gives an exact p of exactly 1 when the smaller count is half the discordant rows or more (b = 1, c = 2: 2 · 4/8)', () => {
    expect(mcnemarCounts(1, 2).pValue).toBe(1);
    expect(binomialHalfCdf(1, 3)).toBe(0.5);
    expect(binomialHalfCdf(12, 24)).toBe(9740686 / 2 ** 24); // Σ C(24, i), i ≤ 12, over 2^24, by hand in integers
  });
});

/**
 * The paired bootstrap interval of a metric difference: hand-checked tiny cases (whose bootstrap distribution can be
 * enumerated), the fast paths against the generic form, and a seeded simulation where the true difference is known.
 */
import { describe, expect, it } from 'vitest';
import { pairedBootstrap, pairedBootstrapAccuracy, pairedBootstrapError, quantileSorted } from '../../src/lib/core/metrics/paired-bootstrap.ts';
import { seeded } from '../../src/lib/core/random.ts';

describe('pairedBootstrap', () => {
  it('on two rows where B alone gets row 1 right: estimate ½, interval [0, 1] (resampled means 0, ½, 1 with odds ¼, ½, ¼)', () => {
    const r = pairedBootstrapAccuracy([false, true], [true, true]);
    expect(r.estimate).toBe(0.5);
    expect(r.resamples).toBe(2000);
    // P(mean = 0) = ¼, so about 500 of 2,000 resamples sit at 0 and 500 at 1: both percentiles land on them.
    expect(r.ci95).toEqual([0, 1]);
  });

  it('on two rows with errors A = (1, 1), B = (0, 2): RMSE difference √2 − 1, interval [−1, 1]', () => {
    // Any resample: RMSE(A) = 1. RMSE(B) = 0 (row 1 twice), √2 (one each), 2 (row 2 twice): differences −1, √2 − 1, 1.
    const r = pairedBootstrapError([0, 0], [1, 1], [0, 2], 'rmse');
    expect(r.estimate).toBeCloseTo(Math.SQRT2 - 1, 15);
    expect(r.ci95).toEqual([-1, 1]);
    // MAE(B) = (0 + 2)/2 = 1 = MAE(A): estimate 0; resampled MAE(B) − 1 ∈ {−1, 0, 1}.
    const m = pairedBootstrapError([0, 0], [1, 1], [0, 2], 'mae');
    expect(m.estimate).toBe(0);
    expect(m.ci95).toEqual([-1, 1]);
  });

  it('gives a zero-width interval when the two models differ by the same amount on every row', () => {
    const r = pairedBootstrapError([0, 0, 0, 0], [1, 2, 3, 4], [2, 3, 4, 5], 'mae');
    expect(r.estimate).toBe(1);
    expect(r.ci95).toEqual([1, 1]);
    expect(pairedBootstrapAccuracy([true, false, true], [true, false, true]).ci95).toEqual([0, 0]);
  });

  it('takes percentiles as numpy.percentile does (linear interpolation at q·(m − 1))', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [2.5, 97.5]) = [1.1, 9.4]
    const s = Float64Array.from([1, 2, 3, 4, 10]);
    expect(quantileSorted(s, 0.025)).toBeCloseTo(1.1, 14);
    expect(quantileSorted(s, 0.975)).toBeCloseTo(9.4, 14);
  });

  it('fast paths give exactly what the generic form gives for the same seed', () => {
    const rng = seeded(3);
    const n = 97;
    const a = Array.from({ length: n }, () => rng.next() < 0.7), b = Array.from({ length: n }, () => rng.next() < 0.8);
    const acc = (c: boolean[]) => (rows: Uint32Array) => { let s = 0; for (const i of rows) s += c[i] ? 1 : 0; return s / rows.length; };
    const close = (x: { estimate: number; ci95: number[] }, y: { estimate: number; ci95: number[] }) => {
      // mean(B) − mean(A) and mean(B − A) are the same number up to rounding.
      expect(x.estimate).toBeCloseTo(y.estimate, 12);
      expect(x.ci95[0]).toBeCloseTo(y.ci95[0], 12);
      expect(x.ci95[1]).toBeCloseTo(y.ci95[1], 12);
    };
    close(pairedBootstrapAccuracy(a, b, { seed: 9, resamples: 300 }), pairedBootstrap(n, acc(a), acc(b), { seed: 9, resamples: 300 }));

    const y = Array.from({ length: n }, () => rng.normal()), pa = y.map((v) => v + rng.normal()), pb = y.map((v) => v + 0.5 * rng.normal());
    const rmseOf = (p: number[]) => (rows: Uint32Array) => { let s = 0; for (const i of rows) s += (y[i] - p[i]) ** 2; return Math.sqrt(s / rows.length); };
    close(pairedBootstrapError(y, pa, pb, 'rmse', { seed: 9, resamples: 300 }), pairedBootstrap(n, rmseOf(pa), rmseOf(pb), { seed: 9, resamples: 300 }));
  });

  it('is deterministic per seed, and another seed gives another interval', () => {
    const a = Array.from({ length: 50 }, (_, i) => i % 3 !== 0), b = Array.from({ length: 50 }, (_, i) => i % 4 !== 0);
    expect(pairedBootstrapAccuracy(a, b, { seed: 1 })).toEqual(pairedBootstrapAccuracy(a, b, { seed: 1 }));
    expect(pairedBootstrapAccuracy(a, b, { seed: 1 }).ci95).not.toEqual(pairedBootstrapAccuracy(a, b, { seed: 2 }).ci95);
  });

  it('covers the true accuracy difference about 95% of the time (200 seeded datasets of 300 paired rows)', () => {
    // Model A right with p = 0.70, model B with p = 0.78: true difference 0.08. Half the rows are "shared" (both models
    // see the same draw, so they agree there), which is what makes the pairing matter.
    const pA = 0.7, pB = 0.78, truth = pB - pA, n = 300, datasets = 200;
    const rng = seeded(2026);
    let covered = 0;
    for (let k = 0; k < datasets; k++) {
      const a = new Uint8Array(n), b = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.next();
        const v = rng.next() < 0.5 ? u : rng.next();
        a[i] = u < pA ? 1 : 0;
        b[i] = v < pB ? 1 : 0;
      }
      const { ci95 } = pairedBootstrapAccuracy(a, b, { seed: k });
      if (ci95[0] <= truth && truth <= ci95[1]) covered++;
    }
    const rate = covered / datasets;
    expect(rate).toBeGreaterThanOrEqual(0.9);
    expect(rate).toBeLessThanOrEqual(0.99);
  });

  it('refuses no rows, a bad number of resamples, a bad seed, and a missing value in the error path', () => {
    expect(() => pairedBootstrapAccuracy([], [])).toThrow(/at least one row/);
    expect(() => pairedBootstrapAccuracy([true], [true], { resamples: 0 })).toThrow(/resamples/);
    expect(() => pairedBootstrapAccuracy([true], [true], { seed: -1 })).toThrow(/seed/i);
    expect(() => pairedBootstrapError([0, NaN], [1, 1], [1, 1], 'rmse')).toThrow(/Row 2/);
  });
});

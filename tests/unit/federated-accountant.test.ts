/**
 * The RDP accountant of the federated mode against independent references. Every constant below was printed once by
 * tests/unit/fixtures/rdp_reference.py (Debian /usr/bin/python3, numpy 1.24.2, scipy 1.10.1, mpmath 1.2.1; run with
 * --mpmath to repeat the cross-check). That script does not use the binomial expansion or the two-series formula of
 * the accountant: it integrates the Rényi divergence D_α((1 − q)N(0, z²) + qN(1, z²) ‖ N(0, z²)) numerically with
 * scipy.integrate.quad (agreeing with mpmath.quad at 40 digits to 5e-14 relative), then converts to ε with the two
 * formulas over Opacus' default orders in numpy. log(erfc(x)) comes from mpmath at 40 digits.
 */
import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { composedRdp, DEFAULT_ORDERS, epsilonClassic, epsilonImproved, privacySpent, rdpSampledGaussian } from '../../src/lib/federated/accountant.ts';
import { logAdd, logErfc, logSub } from '../../src/lib/federated/log-space.ts';

/** [q, z, α, per-step RDP] by quadrature. */
const RDP_REFERENCE: [number, number, number, number][] = [
  [0.004266666666666667, 1.1, 1.5, 1.747978446292343e-05],
  [0.004266666666666667, 1.1, 2, 2.339577600995005e-05],
  [0.004266666666666667, 1.1, 2.5, 2.9358070281807666e-05],
  [0.004266666666666667, 1.1, 3, 3.536769897204744e-05],
  [0.004266666666666667, 1.1, 4.7, 5.6169569236061394e-05],
  [0.004266666666666667, 1.1, 8, 9.834106177992586e-05],
  [0.004266666666666667, 1.1, 10.9, 0.00013779841911786068],
  [0.004266666666666667, 1.1, 16, 0.7918914327818947],
  [0.004266666666666667, 1.1, 32, 7.590188346210109],
  [0.004266666666666667, 1.1, 63, 20.48812057714846],
  [0.01, 1.0, 1.5, 0.00012725374332744807],
  [0.01, 1.0, 2, 0.00017181342207454937],
  [0.01, 1.0, 2.5, 0.00021757533228188098],
  [0.01, 1.0, 3, 0.0002646375745846617],
  [0.01, 1.0, 4.7, 0.0004361716422234835],
  [0.01, 1.0, 8, 0.0008936439076060327],
  [0.01, 1.0, 10.9, 0.3876114113003889],
  [0.01, 1.0, 16, 3.0878507836962448],
  [0.01, 1.0, 32, 11.24627593704807],
  [0.01, 1.0, 63, 26.82055287552823],
  [0.1, 2.0, 1.5, 0.0020989345957101824],
  [0.1, 2.0, 2, 0.0028362282662636245],
  [0.1, 2.0, 2.5, 0.003594077199413227],
  [0.1, 2.0, 3, 0.004373658348577056],
  [0.1, 2.0, 4.7, 0.0072051340461394215],
  [0.1, 2.0, 8, 0.013725430103219924],
  [0.1, 2.0, 10.9, 0.021168934477355194],
  [0.1, 2.0, 16, 0.04529183908362197],
  [0.1, 2.0, 32, 1.6272023010194359],
  [0.1, 2.0, 63, 5.535278134572973],
  [0.5, 0.8, 1.5, 0.4098388604536571],
  [0.5, 0.8, 2, 0.6640701594215735],
  [0.5, 0.8, 2.5, 0.9946095312807954],
  [0.5, 0.8, 3, 1.381953645143608],
  [0.5, 0.8, 4.7, 2.7953941248227103],
  [0.5, 0.8, 8, 5.457852116943085],
  [0.5, 0.8, 10.9, 7.752463163482581],
  [0.5, 0.8, 16, 11.760643007473394],
  [0.5, 0.8, 32, 24.28449323297037],
  [0.5, 0.8, 63, 48.51442302620519]
];

/** [q, z, steps, δ, classic ε, its order, improved ε, its order] over the default orders, RDP by quadrature. */
const EPSILON_REFERENCE: [number, number, number, number, number, number, number, number][] = [
  [0.004266666666666667, 1.1, 14063, 1e-05, 3.0083810468337937, 8.8, 2.596655528680914, 8.1],
  [0.01, 1.0, 1000, 1e-06, 2.866762877254339, 8.1, 2.436693803022144, 8.0],
  [0.1, 2.0, 500, 1e-05, 6.71310899751337, 4.6, 6.034322441882941, 4.4]
];

/** [x, log(erfc(x))] by mpmath at 40 digits. */
const LOG_ERFC_REFERENCE: [number, number][] = [
  [-30, 0.6931471805599453],
  [-5, 0.6931471805591766],
  [-2, 0.6908055736465877],
  [-1.5, 0.6760545027339606],
  [-1, 0.6112323176780705],
  [-0.001, 0.0011277426501148766],
  [0, 0.0],
  [1e-8, -1.1283791734617103e-8],
  [0.3, -0.39843005144008525],
  [1, -1.8496055099332482],
  [1.4999, -3.3841412183977524],
  [1.5, -3.3844920895515527],
  [2, -5.364941264616638],
  [2.5, -7.806815272727264],
  [5, -27.200889545537436],
  [10, -102.87988902484489],
  [27.3, -749.1699214034145],
  [100, -10005.177585122665],
  [1e4, -100000009.78270532]
];

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** The EnclaveError a call throws (fails the test when it throws nothing or something else). */
function errorOf(f: () => unknown): EnclaveError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EnclaveError);
    return e as EnclaveError;
  }
  throw new Error('expected an EnclaveError, got none');
}

describe('rdpSampledGaussian: per-step RDP of the sampled Gaussian mechanism', () => {
  it('matches the Rényi divergence integrated numerically, integer and fractional orders, to 1e-6 relative', () => {
    let worst = 0;
    for (const [q, z, alpha, rdp] of RDP_REFERENCE) {
      const got = rdpSampledGaussian(q, z, alpha);
      worst = Math.max(worst, relative(got, rdp));
      expect(relative(got, rdp), `q=${q} z=${z} α=${alpha}`).toBeLessThan(1e-6);
    }
    // In fact much closer: the log-space sums keep ~1e-8 relative where RDP is ~1e-5.
    expect(worst).toBeLessThan(1e-7);
  });

  it('is exactly α/(2z²) when q = 1 (the plain Gaussian mechanism), and composes over rounds by multiplication', () => {
    for (const z of [0.5, 1.1, 3]) {
      for (const alpha of [1.1, 1.5, 2, 7, 10.9, 32, 63]) expect(rdpSampledGaussian(1, z, alpha)).toBe(alpha / (2 * z * z));
      const orders = [1.5, 2, 8, 63];
      expect(Array.from(composedRdp({ q: 1, sigma: z, steps: 250, orders }))).toEqual(orders.map((a) => 250 * (a / (2 * z * z))));
    }
  });

  it('is +Infinity without noise, grows with q and shrinks with σ', () => {
    expect(rdpSampledGaussian(0.1, 0, 2)).toBe(Infinity);
    expect(rdpSampledGaussian(0.1, 0, 2.5)).toBe(Infinity);
    expect(rdpSampledGaussian(0.01, 1, 4)).toBeLessThan(rdpSampledGaussian(0.02, 1, 4));
    expect(rdpSampledGaussian(0.01, 2, 4.5)).toBeLessThan(rdpSampledGaussian(0.01, 1, 4.5));
  });

  it('composedRdp is steps × the per-step RDP at each order, and 0 for zero steps (even without noise)', () => {
    const orders = [1.5, 2, 10.9, 32];
    const one = orders.map((a) => rdpSampledGaussian(0.01, 1, a));
    expect(Array.from(composedRdp({ q: 0.01, sigma: 1, steps: 1000, orders }))).toEqual(one.map((r) => 1000 * r));
    expect(Array.from(composedRdp({ q: 0.01, sigma: 0, steps: 0, orders }))).toEqual([0, 0, 0, 0]);
  });
});

describe('privacySpent: (ε, δ) over the default orders', () => {
  it('DP-SGD on MNIST (q = 256/60000, z = 1.1, 14,063 steps, δ = 1e-5): classic ε ≈ 3.01, improved ε ≈ 2.60', () => {
    const spent = privacySpent({ q: 256 / 60000, sigma: 1.1, steps: 14063, delta: 1e-5 });
    expect(relative(spent.epsilon, 3.01)).toBeLessThan(0.01);
    expect(relative(spent.epsilonImproved, 2.6)).toBeLessThan(0.01);
  });

  it('gives the ε and orders of the quadrature reference, to 1e-6 relative', () => {
    for (const [q, sigma, steps, delta, eps, order, epsImp, orderImp] of EPSILON_REFERENCE) {
      const spent = privacySpent({ q, sigma, steps, delta });
      expect(relative(spent.epsilon, eps)).toBeLessThan(1e-6);
      expect(relative(spent.epsilonImproved, epsImp)).toBeLessThan(1e-6);
      expect(spent.order).toBe(order);
      expect(spent.orderImproved).toBe(orderImp);
    }
  });

  it('q = 1: the plain Gaussian mechanism, ε from N·α/(2z²) with each conversion written out here', () => {
    const N = 20, z = 4, delta = 1e-6;
    let classic = Infinity, improved = Infinity;
    for (const a of DEFAULT_ORDERS) {
      const rdp = (N * a) / (2 * z * z);
      classic = Math.min(classic, rdp + Math.log(1 / delta) / (a - 1));
      improved = Math.min(improved, rdp - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a));
    }
    const spent = privacySpent({ q: 1, sigma: z, steps: N, delta });
    expect(spent.epsilon).toBeCloseTo(classic, 12);
    expect(spent.epsilonImproved).toBeCloseTo(improved, 12);
    // Over a continuum of orders the classic bound is N/(2z²) + √(2N log(1/δ))/z; the grid can only do worse.
    expect(spent.epsilon).toBeGreaterThanOrEqual(N / (2 * z * z) + Math.sqrt(2 * N * Math.log(1 / delta)) / z - 1e-12);
    expect(spent.epsilon).toBeLessThan(1.01 * (N / (2 * z * z) + Math.sqrt(2 * N * Math.log(1 / delta)) / z));
  });

  it('σ = 0 spends ε = Infinity (order NaN); zero steps spend nothing; custom orders are used', () => {
    expect(privacySpent({ q: 0.1, sigma: 0, steps: 3, delta: 1e-5 })).toEqual({ epsilon: Infinity, order: NaN, epsilonImproved: Infinity, orderImproved: NaN });
    expect(privacySpent({ q: 0.1, sigma: 1, steps: 0, delta: 1e-5 })).toMatchObject({ epsilon: 0, epsilonImproved: 0 });
    const spent = privacySpent({ q: 0.01, sigma: 1, steps: 1000, delta: 1e-6, orders: [2, 4, 8] });
    expect([2, 4, 8]).toContain(spent.order);
    expect(spent.epsilon).toBeGreaterThan(privacySpent({ q: 0.01, sigma: 1, steps: 1000, delta: 1e-6 }).epsilon);
  });

  it('the default orders are Opacus’: 1.1 … 10.9 by 0.1 (as Python’s 1 + x/10.0), then 12 … 63', () => {
    expect(DEFAULT_ORDERS).toHaveLength(151);
    expect(DEFAULT_ORDERS.slice(0, 99)).toEqual(Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10.0));
    expect(DEFAULT_ORDERS.slice(99)).toEqual(Array.from({ length: 52 }, (_, k) => 12 + k));
    expect([DEFAULT_ORDERS[0], DEFAULT_ORDERS[98], DEFAULT_ORDERS[99], DEFAULT_ORDERS[150]]).toEqual([1.1, 10.9, 12, 63]);
  });
});

describe('the conversions from RDP to ε', () => {
  it('skip orders whose ε is NaN, as numpy’s nanargmin; all NaN or infinite → ε = Infinity, order NaN', () => {
    expect(epsilonImproved([2, 3], [NaN, 1], 1e-5).order).toBe(3);
    expect(epsilonClassic([2, 3], [NaN, 1], 1e-5)).toEqual({ epsilon: 1 + Math.log(1e5) / 2, order: 3 });
    expect(epsilonClassic([2, 3], [NaN, NaN], 1e-5)).toEqual({ epsilon: Infinity, order: NaN });
    expect(epsilonImproved([2, 3], [Infinity, Infinity], 1e-5)).toEqual({ epsilon: Infinity, order: NaN });
  });

  it('the improved bound is below the classic one, and never reported below 0', () => {
    const orders = [1.5, 2, 4, 8, 16];
    const rdp = orders.map((a) => 100 * rdpSampledGaussian(0.05, 1.5, a));
    expect(epsilonImproved(orders, rdp, 1e-5).epsilon).toBeLessThan(epsilonClassic(orders, rdp, 1e-5).epsilon);
    expect(epsilonImproved([63], [0], 0.999).epsilon).toBe(0);
  });
});

describe('log-space helpers', () => {
  it('logErfc matches mpmath’s log(erfc(x)) at 40 digits: 1e-13 relative or 1e-16 absolute, across the series/fraction switch', () => {
    for (const [x, v] of LOG_ERFC_REFERENCE) expect(Math.abs(logErfc(x) - v), `x=${x}`).toBeLessThanOrEqual(Math.max(1e-13 * Math.abs(v), 1e-16));
    expect(logErfc(Infinity)).toBe(-Infinity);
    expect(logErfc(-Infinity)).toBe(Math.LN2);
  });

  it('logAdd and logSub add and subtract in log space without overflow', () => {
    expect(logAdd(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 15);
    expect(logAdd(-Infinity, 1.5)).toBe(1.5);
    expect(logAdd(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSub(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 15);
    expect(logSub(2, 2)).toBe(-Infinity);
    expect(logSub(1000, 0)).toBe(1000);
    expect(errorOf(() => logSub(1, 2)).code).toBe('internal');
  });
});

describe('bad arguments', () => {
  const base = { q: 0.01, sigma: 1, steps: 100, delta: 1e-5 };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ q: 0 }, /sampling rate q must be a number in \(0, 1\].*got 0\./],
    [{ q: 1.5 }, /sampling rate q .* got 1\.5\./],
    [{ q: NaN }, /sampling rate q .* got NaN\./],
    [{ q: '0.1' }, /sampling rate q .* got "0\.1"\./],
    [{ sigma: -1 }, /noise multiplier sigma must be a finite number ≥ 0.*got -1\./],
    [{ sigma: Infinity }, /noise multiplier sigma .* got Infinity\./],
    [{ steps: 1.5 }, /number of steps must be a whole number ≥ 0; got 1\.5\./],
    [{ steps: -1 }, /number of steps .* got -1\./],
    [{ delta: 0 }, /delta must be a number in \(0, 1\).*got 0\./],
    [{ delta: 1 }, /delta must be a number in \(0, 1\).*got 1\./],
    [{ orders: [] }, /Rényi orders must be a non-empty list/],
    [{ orders: [2, 1] }, /Rényi order must be a finite number > 1; got 1\./]
  ];
  it.each(cases)('%o → invalid-argument with a readable message', (patch, message) => {
    const err = errorOf(() => privacySpent({ ...base, ...patch } as never));
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toMatch(message);
  });

  it('the per-order function and the conversions check their arguments too', () => {
    expect(errorOf(() => rdpSampledGaussian(0, 1, 2)).code).toBe('invalid-argument');
    expect(errorOf(() => rdpSampledGaussian(0.1, 1, 1)).message).toMatch(/Rényi order must be a finite number > 1/);
    expect(errorOf(() => epsilonClassic([2, 3], [1], 1e-5)).message).toMatch(/same length \(got 1 and 2\)/);
    expect(errorOf(() => epsilonImproved([2], [1], 2)).message).toMatch(/delta must be/);
  });
});

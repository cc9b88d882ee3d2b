import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { column, type Column, type NumericColumn, type StringColumn, type Table } from '../../src/lib/core/table.ts';
import { compareSplits } from '../../src/lib/core/validate/compare-splits.ts';
import {
  chisquare,
  chooseTest,
  driftReport,
  featureKind,
  jensenshannon,
  kolmogorovSf,
  ks,
  linf,
  psi,
  smirnovSf,
  wasserstein,
  z,
} from '../../src/lib/core/validate/drift/index.ts';
import { sampleShares } from '../../src/lib/core/validate/drift/shares.ts';

function columnsOf(values: Record<string, unknown[]>): Table {
  const names = Object.keys(values);
  const n = values[names[0]].length;
  const builders = names.map((k) => new ColumnBuilder(k));
  for (let i = 0; i < n; i++) builders.forEach((b) => b.pushValue(values[b.name][i]));
  return { rowCount: n, columns: builders.map((b) => b.finish()) };
}

const repeat = <T>(v: T, n: number): T[] => Array(n).fill(v);
/** Relative closeness, for p-values that span many orders of magnitude. */
const expectRel = (got: number | null, want: number, tol = 1e-10) => {
  expect(got).not.toBeNull();
  if (want === 0) expect(got).toBe(0);
  else expect(Math.abs(got! - want) / Math.abs(want)).toBeLessThan(tol);
};

/*
 * Reference values: SciPy 1.10.1 / NumPy 1.24 (Debian /usr/bin/python3), computed once and pasted here.
 *   from scipy import stats, special; from scipy.spatial import distance; import numpy as np
 *   X = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09,
 *        -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47]
 *   Y = [2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, 0.91]
 *   U = [1, 2, 2, 3, 3, 3, 4, 5, 5, 9];  V = [3, 4, 4, 5, 6, 6, 7, 8, 8, 9]
 *   BIG = [(i*7919 % 10007)/10007 for i in range(10001)];  SMALL = [(j*31 % 53)/53 + 0.1 for j in range(50)]
 *   stats.ks_2samp(X, Y)                      → D 0.345, p 0.1504258231892879           (auto → exact)
 *   stats.ks_2samp(X, Y, method='asymp')      → D 0.345, p 0.1444896522605743
 *   stats.ks_2samp(U, V)                      → D 0.5,   p 0.16782134274394334          (auto → exact, n = m)
 *   stats.ks_2samp(U, V, method='asymp')      → D 0.5,   p 0.112
 *   stats.ks_2samp(BIG, SMALL)                → D 0.11394660533946604, p 0.4990646397773705   (auto → asymp: 10001 > 10000)
 *   stats.ks_2samp(BIG, SMALL, method='exact')→ D 0.11394660533946606, p 0.5019939189450149
 *   stats.kstwo.sf(x, n), special.smirnov(n, x) → the KSTWO / SMIRNOV tables below
 *   stats.wasserstein_distance(X, Y)          → 0.8373499999999999;  / np.std(X) → 0.7688574291897537
 *   distance.jensenshannon([.5, .5], [.7, .3])         → 0.14493421163354447;  base=2 → 0.17408372939284805
 *   np.sum((r - c) * np.log(r / c)) for r = [.5, .5], c = [.7, .3] → 0.16945957207744072
 * Evidently's chi-square (keys = union; f_exp = ref_count * len(cur)/len(ref); stats.chisquare(f_obs, f_exp)):
 *   ref a×5 b×5, cur a×8 b×3                  → stat 2.272727272727273,  p 0.13166801602281455
 *   ref a×40 b×35 c×25, cur a×30 b×30 c×40    → stat 12.214285714285714, p 0.0022269043158027585
 * Evidently's z-test (sorted keys, first → 0; z = (p1 - p2)/sqrt(P(1-P)(1/n1 + 1/n2)); p = 2*(1 - norm.cdf(|z|))):
 *   ref no×60 yes×40, cur no×45 yes×55        → z -2.1239769762143665, p 0.03367206885634566
 */
const X = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47];
const Y = [2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, 0.91];
const U = [1, 2, 2, 3, 3, 3, 4, 5, 5, 9], V = [3, 4, 4, 5, 6, 6, 7, 8, 8, 9];

// [n, x, scipy.stats.kstwo.sf(x, n)]: one case per branch of SciPy's _kolmogn.
const KSTWO: [number, number, number, string][] = [
  [10, 0.08, 0.9999978058034054, 'Ruben–Gambino, n·x ≤ 1'],
  [10, 0.95, 1.9531250000000172e-13, 'Ruben–Gambino, n·x ≥ n − 1'],
  [10, 0.6, 0.0005681672000000003, 'x ≥ 0.5: 2·smirnov'],
  [100, 0.05, 0.9532159710635725, 'Durbin matrix (n ≤ 140)'],
  [100, 0.15, 0.019839242125643017, 'Pomeranz'],
  [100, 0.3, 1.7719869892662917e-8, 'Miller: 2·smirnov'],
  [1000, 0.05, 0.013012074781090332, 'n > 140: 2·smirnov'],
  [1000, 0.02, 0.8108971656895577, 'n > 140: Pelz–Good'],
  [300, 0.01, 0.9999999999999992, 'n > 140: Durbin matrix'],
  [5000, 0.3, 0, 'n·x² ≥ 370: 0'],
];

describe('psi and jensenshannon', () => {
  const ref = [...repeat('cat', 50), ...repeat('dog', 50)];
  const cur = [...repeat('cat', 70), ...repeat('dog', 30)];

  it('give PSI 0.16946 and JS distance 0.14493 (natural log) for target shares 50/50 → 70/30, both drifting', () => {
    const p = psi(ref, cur), j = jensenshannon(ref, cur);
    expect(p.statistic).toBeCloseTo(0.16945957207744072, 12);
    expect(+p.statistic!.toFixed(5)).toBe(0.16946);
    expect(p).toMatchObject({ test: 'psi', threshold: 0.1, drifted: true, referenceSize: 100, currentSize: 100, logBase: 'e', pValue: null });
    expect(j.statistic).toBeCloseTo(0.14493421163354447, 12);
    expect(+j.statistic!.toFixed(5)).toBe(0.14493);
    expect(j).toMatchObject({ test: 'jensenshannon', threshold: 0.1, drifted: true, logBase: 'e' });
  });

  it('report base 2 when asked, and zero for identical samples', () => {
    expect(jensenshannon(ref, cur, { base: 2 })).toMatchObject({ logBase: 2 });
    expect(jensenshannon(ref, cur, { base: 2 }).statistic).toBeCloseTo(0.17408372939284805, 12);
    expect(psi(ref, ref)).toMatchObject({ statistic: 0, drifted: false });
    expect(jensenshannon(ref, [...ref].reverse())).toMatchObject({ statistic: 0, drifted: false });
  });

  it('ignore missing values and give null on an empty sample', () => {
    expect(psi([...ref, null, undefined], [...cur, NaN]).referenceSize).toBe(100);
    expect(psi(ref, [null])).toMatchObject({ statistic: null, drifted: false, currentSize: 0 });
  });

  it('bin numbers at 10 reference deciles and fill empty buckets with 0.0001 (as Evidently)', () => {
    /*
     * ref = np.array([(i*37 % 101)/10 for i in range(200)]); cur = np.array([(i*37 % 101)/10*1.1 + 3 for i in range(150)])
     * cuts = np.quantile(ref, [.1, ..., .9]) (duplicates dropped); shares via np.searchsorted(cuts, v, 'right')
     * zeros → 0.0001 (or min/1e6 when the smallest share ≤ 0.0001); psi = sum((r - c) * log(r / c))
     *   → psi 2.5731499944448633;  distance.jensenshannon(r, c) (unfilled) → 0.4053627048487591;  max|r − c| → 0.35333…
     */
    const r = Float64Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 10);
    const c = Float64Array.from({ length: 150 }, (_, i) => (((i * 37) % 101) / 10) * 1.1 + 3);
    const s = sampleShares(r, c);
    expect(s.reference.length).toBe(10);
    expect(Array.from(s.reference)).toEqual([0.1, 0.1, 0.095, 0.1, 0.1, 0.1, 0.105, 0.1, 0.1, 0.1]);
    expect(s.current[0]).toBe(0);
    expect(psi(r, c).statistic).toBeCloseTo(2.5731499944448633, 10);
    expect(jensenshannon(r, c).statistic).toBeCloseTo(0.4053627048487591, 12);
    expect(linf(r, c).statistic).toBeCloseTo(0.3533333333333333, 12);
  });
});

describe('ks', () => {
  it('matches scipy.stats.ks_2samp: exact p-value for small samples, asymptotic on request', () => {
    expect(ks(X, Y)).toMatchObject({ statistic: 0.345, method: 'exact', drifted: false, referenceSize: 25, currentSize: 16, threshold: 0.05 });
    expectRel(ks(X, Y).pValue, 0.1504258231892879, 1e-12);
    expectRel(ks(X, Y, { method: 'asymp' }).pValue, 0.1444896522605743, 1e-12);
    expect(ks(U, V)).toMatchObject({ statistic: 0.5, method: 'exact' });
    expectRel(ks(U, V).pValue, 0.16782134274394334, 1e-12);
    expectRel(ks(U, V, { method: 'asymp' }).pValue, 0.112, 1e-12);
  });

  it('switches to the asymptotic p-value above 10 000 values, as SciPy auto does', () => {
    const big = Array.from({ length: 10001 }, (_, i) => ((i * 7919) % 10007) / 10007);
    const small = Array.from({ length: 50 }, (_, j) => ((j * 31) % 53) / 53 + 0.1);
    const auto = ks(big, small);
    expect(auto.method).toBe('asymp');
    expect(auto.statistic).toBeCloseTo(0.11394660533946604, 14);
    expectRel(auto.pValue, 0.4990646397773705, 1e-12);
    const exact = ks(big, small, { method: 'exact' });
    expect(exact.method).toBe('exact');
    expectRel(exact.pValue, 0.5019939189450149, 1e-12);
  });

  it('drifts on a clear shift, and treats identical samples as p = 1', () => {
    const a = Array.from({ length: 200 }, (_, i) => i / 200);
    expect(ks(a, a.map((v) => v + 0.3))).toMatchObject({ drifted: true });
    expect(ks(a, a)).toMatchObject({ statistic: 0, pValue: 1, drifted: false });
    expect(ks([], a)).toMatchObject({ statistic: null, pValue: null, drifted: false });
  });

  it('computes the one-sample Kolmogorov distribution as scipy.stats.kstwo.sf, branch by branch', () => {
    for (const [n, x, want] of KSTWO) expectRel(kolmogorovSf(n, x), want, 1e-11);
    // special.smirnov(20, 0.3), special.smirnov(100, 0.1)
    expectRel(smirnovSf(20, 0.3), 0.021533604376327058, 1e-12);
    expectRel(smirnovSf(100, 0.1), 0.1265906584562817, 1e-12);
  });
});

describe('chisquare and z', () => {
  it('match Evidently (scipy.stats.chisquare of current counts against reference shares)', () => {
    const two = chisquare([...repeat('a', 5), ...repeat('b', 5)], [...repeat('a', 8), ...repeat('b', 3)]);
    expect(two.statistic).toBeCloseTo(2.272727272727273, 12);
    expectRel(two.pValue, 0.13166801602281455, 1e-12);
    expect(two.drifted).toBe(false);
    const three = chisquare([...repeat('a', 40), ...repeat('b', 35), ...repeat('c', 25)], [...repeat('a', 30), ...repeat('b', 30), ...repeat('c', 40)]);
    expect(three.statistic).toBeCloseTo(12.214285714285714, 12);
    expectRel(three.pValue, 0.0022269043158027585, 1e-11);
    expect(three.drifted).toBe(true);
  });

  it('give p = 0 (statistic null) for a category the reference never had, and p = 1 for one shared category', () => {
    expect(chisquare(['a', 'b', 'a'], ['a', 'c'])).toMatchObject({ statistic: null, pValue: 0, drifted: true });
    expect(chisquare(['a', 'a'], ['a'])).toMatchObject({ statistic: 0, pValue: 1, drifted: false });
  });

  it('z-test matches Evidently on a binary category', () => {
    const r = z([...repeat('no', 60), ...repeat('yes', 40)], [...repeat('no', 45), ...repeat('yes', 55)]);
    expect(r.statistic).toBeCloseTo(-2.1239769762143665, 12);
    expectRel(r.pValue, 0.03367206885634566, 1e-10);
    expect(r.drifted).toBe(true);
    expect(z(['x', 'x'], ['x'])).toMatchObject({ pValue: 1, drifted: false });
    expect(z([true, false, true], [true, true, false]).referenceSize).toBe(3);
  });
});

describe('wasserstein and linf', () => {
  it('wasserstein is scipy.stats.wasserstein_distance normed by the reference (population) std', () => {
    const r = wasserstein(X, Y);
    expect(r.statistic).toBeCloseTo(0.7688574291897537, 12);
    expect(r).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: true, pValue: null });
    expect(wasserstein(X, X).statistic).toBe(0);
  });

  it('linf is the largest change in any one share', () => {
    expect(linf(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']).statistic).toBeCloseTo(0.25, 15);
    expect(linf(['a', 'b'], ['b', 'a'])).toMatchObject({ statistic: 0, drifted: false });
  });
});

describe('chooseTest', () => {
  it("follows Evidently's defaults for small and large references", () => {
    expect(chooseTest('float', 1000, 300, false)).toBe('ks');
    expect(chooseTest('integer', 500, 5, false)).toBe('chisquare');
    expect(chooseTest('integer', 500, 2, false)).toBe('z');
    expect(chooseTest('categorical', 800, 3, false)).toBe('chisquare');
    expect(chooseTest('categorical', 800, 2, false)).toBe('z');
    expect(chooseTest('boolean', 100, 2, true)).toBe('z');
    expect(chooseTest('float', 1001, 300, false)).toBe('wasserstein');
    expect(chooseTest('integer', 5000, 4, false)).toBe('jensenshannon');
    expect(chooseTest('categorical', 5000, 40, false)).toBe('jensenshannon');
    expect(chooseTest('integer', 5000, 3, true)).toBe('jensenshannon');
    expect(chooseTest('text', 100, 100, false)).toBeNull();
    expect(chooseTest('identifier', 100, 100, false)).toBeNull();
    expect(chooseTest('datetime', 100, 100, false)).toBeNull();
  });
});

describe('driftReport', () => {
  const n = 300;
  const reference = columnsOf({
    age: Array.from({ length: n }, (_, i) => 20 + (i % 50)),
    city: Array.from({ length: n }, (_, i) => ['Oslo', 'Lima', 'Pune'][i % 3]),
    member: Array.from({ length: n }, (_, i) => i % 2 === 0),
    note: Array.from({ length: n }, (_, i) => `free text number ${i} here`),
  });
  const shifted = columnsOf({
    age: Array.from({ length: n }, (_, i) => 35 + (i % 50)),
    city: Array.from({ length: n }, (_, i) => ['Oslo', 'Lima', 'Pune'][i % 3]),
    member: Array.from({ length: n }, (_, i) => i % 5 !== 0),
    note: Array.from({ length: n }, (_, i) => `free text number ${i} here`),
  });

  it('tests each column with its default test and flags dataset drift when half the columns drift', () => {
    const r = driftReport(reference, shifted);
    const by = Object.fromEntries(r.columns.map((c) => [c.column, c]));
    expect(by.age).toMatchObject({ test: 'ks', type: 'integer', drifted: true, referenceSize: 300, currentSize: 300, logBase: null });
    expect(by.city).toMatchObject({ test: 'chisquare', drifted: false });
    expect(by.member).toMatchObject({ test: 'z', type: 'boolean', drifted: true });
    expect(r.skipped).toEqual([{ column: 'note', reason: 'no drift test for text columns' }]);
    expect(r.driftedCount).toBe(2);
    expect(r.driftedShare).toBeCloseTo(2 / 3, 15);
    expect(r.datasetDrift).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('takes a test and a threshold per column, and a column subset', () => {
    const r = driftReport(reference, shifted, { columns: ['age', 'city'], tests: { age: 'psi', city: 'jensenshannon' }, thresholds: { age: 100 } });
    expect(r.columns.map((c) => [c.column, c.test, c.drifted, c.logBase])).toEqual([['age', 'psi', false, 'e'], ['city', 'jensenshannon', false, 'e']]);
    expect(r.datasetDrift).toBe(false);
    expect(() => driftReport(reference, shifted, { tests: { city: 'ks' } })).toThrow(EnclaveError);
  });

  it('skips columns missing from either side', () => {
    const r = driftReport(reference, columnsOf({ age: [1, 2, 3] }), { columns: ['age', 'city', 'nope'] });
    expect(r.skipped.map((s) => s.column)).toEqual(['city', 'nope']);
  });
});

/*
 * driftReport reads a column straight from the Table (counted by dictionary code, or by value when it holds at most 20
 * distinct numbers; copied into a Float64Array otherwise) and compareSplits reuses train's side across reports: every
 * result must equal the comparator's on the plain sample (finite numbers, or labels), for every test.
 */
describe('driftReport reads columns as the comparators read plain samples', () => {
  const rng = seeded(11);
  const pick = (pool: number[]) => () => pool[rng.int(pool.length)];
  function numeric(name: string, n: number, draw: () => number, type: NumericColumn['type'] = 'float'): NumericColumn {
    const values = new Float64Array(n), valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = draw();
      valid[i] = rng.next() < 0.95 ? 1 : 0;
    }
    return { kind: 'numeric', name, type, values, valid };
  }
  function strings(name: string, n: number, dictionary: string[], weights: number[]): StringColumn {
    const codes = new Int32Array(n), valid = new Uint8Array(n);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) {
      let u = rng.next() * total, c = 0;
      while (u >= weights[c]) u -= weights[c++];
      codes[i] = c;
      valid[i] = rng.next() < 0.95 ? 1 : 0;
    }
    return { kind: 'string', name, type: 'categorical', codes, dictionary, valid };
  }
  const tableOfColumns = (n: number, shift: number): Table => ({
    rowCount: n,
    columns: [
      numeric('flag', n, () => (rng.next() < 0.3 + shift ? 1 : rng.next() < 0.5 ? 0 : -0), 'integer'),
      numeric('three', n, pick([0, 1, 2, NaN, Infinity]), 'integer'),
      numeric('twelve', n, () => rng.int(12 + (shift ? 1 : 0)) - 3, 'integer'),
      numeric('many', n, () => (rng.next() < 0.05 ? pick([NaN, -Infinity, 0, -0])() : rng.next() * 10 + shift * 5)),
      { ...numeric('yes', n, pick([0, 1])), type: 'boolean' },
      // A dictionary with a label twice and entries no row uses (as takeRows leaves them).
      strings('city', n, ['Oslo', 'Lima', 'Oslo', 'Pune', 'unused'], [5, 3, 2, 4 + shift * 20, 0]),
      strings('two', n, ['a', 'b', 'c'], [5, 5 + shift * 10, 0]),
    ],
  });
  const plain = (col: Column): number[] | string[] =>
    col.kind === 'numeric'
      ? Array.from(col.values).filter((v, i) => col.valid[i] && Number.isFinite(v))
      : Array.from(col.codes, (c, i) => (col.valid[i] ? col.dictionary[c] : null)).filter((s): s is string => s !== null);
  const COMPARE = { psi, ks, chisquare, z, jensenshannon, linf, wasserstein };
  const NUMERIC_TESTS = ['psi', 'ks', 'chisquare', 'z', 'jensenshannon', 'linf', 'wasserstein'] as const;
  const LABEL_TESTS = ['psi', 'chisquare', 'z', 'jensenshannon', 'linf'] as const;

  for (const [rows, label] of [[3000, 'a large reference'], [400, 'a small reference']] as const) {
    it(`gives each column the comparator's result on its plain sample (${label})`, () => {
      const ref = tableOfColumns(rows, 0), cur = tableOfColumns(Math.round(rows / 3), 0.1), same = tableOfColumns(Math.round(rows / 2), 0);
      for (const c of ref.columns) {
        const r = plain(c), name = c.name;
        const pooled = new Set<number | string>([...r, ...plain(column(cur, name)!)]).size;
        const kind = featureKind(c.type, pooled) ?? 'numeric';
        const expected = chooseTest(c.type, r.length, pooled)!;
        const byDefault = driftReport(ref, cur, { columns: [name] }).columns[0];
        expect(byDefault.test, name).toBe(expected);
        for (const test of c.kind === 'numeric' ? NUMERIC_TESTS : LABEL_TESTS) {
          for (const other of [cur, same]) {
            const got = driftReport(ref, other, { columns: [name], tests: { [name]: test } }).columns[0];
            const want = COMPARE[test](r, plain(column(other, name)!), { kind });
            expect({ statistic: got.statistic, pValue: got.pValue, drifted: got.drifted, referenceSize: got.referenceSize, currentSize: got.currentSize }, `${name} ${test}`).toEqual({
              statistic: want.statistic, pValue: want.pValue, drifted: want.drifted, referenceSize: want.referenceSize, currentSize: want.currentSize,
            });
          }
        }
      }
    });
  }

  it('compareSplits gives the reports driftReport gives for each split alone', () => {
    const splits = { train: tableOfColumns(2000, 0), validation: tableOfColumns(700, 0.1), test: tableOfColumns(600, 0) };
    const c = compareSplits(splits, { target: 'city' });
    const features = splits.train.columns.map((x) => x.name).filter((x) => x !== 'city');
    expect(c.drift.validation).toEqual(driftReport(splits.train, splits.validation, { columns: features, target: 'city' }));
    expect(c.drift.test).toEqual(driftReport(splits.train, splits.test, { columns: features, target: 'city' }));
    expect(c.target!.drift.validation).toEqual(driftReport(splits.train, splits.validation, { columns: ['city'], target: 'city' }).columns[0]);
  });
});

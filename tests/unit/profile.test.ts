import { readFileSync } from 'node:fs';
import { bin } from 'd3-array';
import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { profileTable, type ColumnProfile, type NumericProfile, type StringProfile } from '../../src/lib/core/profile.ts';
import { pearsonMatrix } from '../../src/lib/core/profile/correlation.ts';
import { profileNumeric } from '../../src/lib/core/profile/numeric.ts';
import { countDecimals, sortFloat64 } from '../../src/lib/core/profile/sort.ts';
import type { Column, Table } from '../../src/lib/core/table.ts';
import { columnsOf, penguinsTable, tableOf } from './tables.ts';


const penguins = penguinsTable();
const profile = profileTable(penguins);
const col = <T extends ColumnProfile = NumericProfile>(name: string, p = profile) => p.columns.find((c) => c.name === name) as T;

/*
 * Reference values: pandas 1.5.3 (numpy 1.24.2), Debian /usr/bin/python3, computed once and pasted here:
 *   df = pd.read_json('node_modules/vega-datasets/data/penguins.json')
 *   df.isna().sum(); df.nunique(); df[c].value_counts(); df[c].dropna().str.len().mean() / .max()
 *   df.describe(percentiles=[.05, .25, .5, .75, .95])        (printed with repr(float(v)) for full precision)
 *   df.duplicated().sum()                                    → 0
 *   df.corr(numeric_only=True)
 */
const PANDAS = {
  'Beak Length (mm)': { distinct: 164, mean: 43.9219298245614, std: 5.459583713926532, min: 32.1, max: 59.6, p5: 35.7, p25: 39.225, p50: 44.45, p75: 48.5, p95: 51.995 },
  'Beak Depth (mm)': { distinct: 80, mean: 17.151169590643278, std: 1.9747931568167816, min: 13.1, max: 21.5, p5: 13.9, p25: 15.6, p50: 17.3, p75: 18.7, p95: 20.0 },
  'Flipper Length (mm)': { distinct: 55, mean: 200.91520467836258, std: 14.061713679356894, min: 172, max: 231, p5: 181, p25: 190, p50: 197, p75: 213, p95: 225 },
  'Body Mass (g)': { distinct: 94, mean: 4201.754385964912, std: 801.9545356980954, min: 2700, max: 6300, p5: 3150, p25: 3550, p50: 4050, p75: 4750, p95: 5650 },
};
const PANDAS_CORR = {
  columns: ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'],
  matrix: [
    [1.0, -0.23505287035553338, 0.6561813407464291, 0.5951098244376295],
    [-0.23505287035553338, 1.0, -0.5838512164654133, -0.47191562118606556],
    [0.6561813407464291, -0.5838512164654133, 1.0, 0.871201767306011],
    [0.5951098244376295, -0.47191562118606556, 0.871201767306011, 1.0],
  ],
};

describe('profileTable on penguins (reference: pandas 1.5.3)', () => {
  it('counts rows, columns and missing cells per column as pandas isna().sum()', () => {
    expect(profile.rowCount).toBe(344);
    expect(profile.columnCount).toBe(7);
    const missing = Object.fromEntries(profile.columns.map((c) => [c.name, c.missing]));
    expect(missing).toEqual({ Species: 0, Island: 0, 'Beak Length (mm)': 2, 'Beak Depth (mm)': 2, 'Flipper Length (mm)': 2, 'Body Mass (g)': 2, Sex: 10 });
    expect(profile.missingCells).toBe(18);
    for (const c of profile.columns) expect(c.count + c.missing).toBe(344);
  });

  it('gives mean, sample std (ddof=1), min, max and distinct as pandas describe() and nunique()', () => {
    for (const [name, ref] of Object.entries(PANDAS)) {
      const c = col(name);
      expect(c.count).toBe(342);
      expect(c.distinct).toBe(ref.distinct);
      expect(c.mean).toBeCloseTo(ref.mean, 10);
      expect(c.std).toBeCloseTo(ref.std, 10);
      expect(c.min).toBe(ref.min);
      expect(c.max).toBe(ref.max);
    }
  });

  it('gives quantiles by linear interpolation, as pandas describe(percentiles=[.05,.25,.5,.75,.95])', () => {
    for (const [name, ref] of Object.entries(PANDAS)) {
      const q = col(name).quantiles;
      expect(q.p5).toBeCloseTo(ref.p5, 10);
      expect(q.p25).toBeCloseTo(ref.p25, 10);
      expect(q.p50).toBeCloseTo(ref.p50, 10);
      expect(q.p75).toBeCloseTo(ref.p75, 10);
      expect(q.p95).toBeCloseTo(ref.p95, 10);
    }
  });

  it('types measurements as integer or float and counts zeros', () => {
    expect(col('Beak Length (mm)').type).toBe('float');
    expect(col('Body Mass (g)').type).toBe('integer');
    expect(col('Body Mass (g)').zeros).toBe(0);
  });

  it('lists top categories by count with distinct counts, as pandas value_counts() and nunique()', () => {
    const species = col<StringProfile>('Species');
    expect(species.type).toBe('categorical');
    expect(species.distinct).toBe(3);
    expect(species.top).toEqual([{ value: 'Adelie', count: 152 }, { value: 'Gentoo', count: 124 }, { value: 'Chinstrap', count: 68 }]);
    const island = col<StringProfile>('Island');
    expect(island.distinct).toBe(3);
    expect(island.top).toEqual([{ value: 'Biscoe', count: 168 }, { value: 'Dream', count: 124 }, { value: 'Torgersen', count: 52 }]);
    const sex = col<StringProfile>('Sex');
    expect(sex.distinct).toBe(3);
    expect(sex.top).toEqual([{ value: 'MALE', count: 168 }, { value: 'FEMALE', count: 165 }, { value: '.', count: 1 }]);
  });

  it('gives mean and max string length in characters, as pandas str.len()', () => {
    expect(col<StringProfile>('Species').meanLength).toBeCloseTo(6.593023255813954, 12);
    expect(col<StringProfile>('Species').maxLength).toBe(9);
    expect(col<StringProfile>('Island').meanLength).toBeCloseTo(6.093023255813954, 12);
    expect(col<StringProfile>('Sex').meanLength).toBeCloseTo(4.979041916167665, 12);
    expect(col<StringProfile>('Sex').maxLength).toBe(6);
  });

  it('gives the Pearson matrix over pairwise-complete rows, as pandas corr(numeric_only=True)', () => {
    expect(profile.correlations.method).toBe('pearson');
    expect(profile.correlations.columns).toEqual(PANDAS_CORR.columns);
    profile.correlations.matrix.forEach((row, i) => row.forEach((r, j) => expect(r).toBeCloseTo(PANDAS_CORR.matrix[i][j], 12)));
  });

  it('finds no duplicate rows, as pandas duplicated().sum()', () => {
    expect(profile.duplicateRows).toBe(0);
  });

  it('bins with d3 nice thresholds: the same edges and counts as d3.bin, covering every present value', () => {
    for (const name of Object.keys(PANDAS)) {
      const c = col(name);
      const present = penguins.columns.find((x) => x.name === name)!;
      const values = Array.from((present as Extract<Column, { kind: 'numeric' }>).values).filter((_, i) => present.valid[i]);
      const ref = bin().thresholds(20)(values).map((b) => ({ x0: b.x0, x1: b.x1, count: b.length }));
      expect(c.histogram).toEqual(ref);
      expect(c.histogram.reduce((s, b) => s + b.count, 0)).toBe(342);
    }
  });

  it('is plain JSON: no NaN or Infinity anywhere', () => {
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });
});

describe('profileTable duplicates', () => {
  it('counts rows equal to an earlier row, missing equals missing and 0 equals -0, as pandas duplicated().sum()', () => {
    // pandas 1.5.3: pd.DataFrame({'a': [1.0, 1.0, None, None, 1.0, 0.0, -0.0, None],
    //   'b': ['x', 'x', None, None, 'y', 'z', 'z', None]}).duplicated().sum() → 4
    const t = columnsOf({ a: [1, 1, null, null, 1, 0, -0, null], b: ['x', 'x', null, null, 'y', 'z', 'z', null] });
    expect(profileTable(t).duplicateRows).toBe(4);
  });

  it('compares string cells by value, whatever their dictionary codes', () => {
    const s: Column = { kind: 'string', name: 's', type: 'categorical', codes: Int32Array.from([0, 1, 2]), dictionary: ['a', 'b', 'a'], valid: Uint8Array.from([1, 1, 1]) };
    expect(profileTable({ rowCount: 3, columns: [s] }).duplicateRows).toBe(1);
  });

  it('are not counted when asked not to (null), the rest of the profile unchanged', () => {
    const t = columnsOf({ a: [1, 1, null, null, 1, 0, -0, null], b: ['x', 'x', null, null, 'y', 'z', 'z', null] });
    const counted = profileTable(t), not = profileTable(t, { countDuplicates: false });
    expect(not.duplicateRows).toBeNull();
    expect({ ...not, duplicateRows: 4 }).toEqual(counted);
  });

  it('stays exact on many rows (hash collisions are checked cell by cell)', () => {
    const n = 200_000;
    const values = new Float64Array(n).map((_, i) => i % 150_000);
    const t: Table = { rowCount: n, columns: [{ kind: 'numeric', name: 'x', type: 'integer', values, valid: new Uint8Array(n).fill(1) }] };
    expect(profileTable(t).duplicateRows).toBe(50_000);
  });
});

describe('profileTable edge cases', () => {
  it('std is the sample standard deviation, as pandas (Series([1,2,3,4,5]).std() = 1.5811388300841898)', () => {
    expect(col('x', profileTable(columnsOf({ x: [1, 2, 3, 4, 5] }))).std).toBeCloseTo(1.5811388300841898, 14);
  });

  it('an all-missing column has count 0 and null statistics', () => {
    const p = profileTable(columnsOf({ x: [null, null, null], s: ['a', 'b', 'c'] }));
    const x = col('x', p);
    expect(x).toMatchObject({ count: 0, missing: 3, distinct: 0, min: null, max: null, mean: null, std: null, histogram: [], zeros: 0 });
    expect(x.quantiles).toEqual({ p5: null, p25: null, p50: null, p75: null, p95: null });
    const s: Column = { kind: 'string', name: 'e', type: 'categorical', codes: new Int32Array(2), dictionary: [], valid: new Uint8Array(2) };
    expect(profileTable({ rowCount: 2, columns: [s] }).columns[0]).toMatchObject({ count: 0, missing: 2, distinct: 0, top: [], meanLength: null, maxLength: null });
  });

  it('a one-value column has null std and every quantile equal to the value (pandas: Series([7.0]).std() is NaN)', () => {
    const x = col('x', profileTable(columnsOf({ x: [7] })));
    expect(x).toMatchObject({ count: 1, mean: 7, std: null, min: 7, max: 7 });
    expect(x.quantiles).toEqual({ p5: 7, p25: 7, p50: 7, p75: 7, p95: 7 });
  });

  it('a constant column has std 0, one histogram bin and null correlations (as pandas corr)', () => {
    // pandas 1.5.3: DataFrame({'k': [3.0]*5, 'x': [1.,2,3,4,5], 'y': [2.,4,6,8,None]}).corr()
    //   → k row and column all NaN; x–y 1.0 over the 4 complete rows
    const p = profileTable(columnsOf({ k: [0.1, 0.1, 0.1, 0.1, 0.1], x: [1, 2, 3, 4, 5], y: [2, 4, 6, 8, null] }));
    expect(col('k', p)).toMatchObject({ std: 0, mean: 0.1, distinct: 1, histogram: [{ x0: 0.1, x1: 0.1, count: 5 }] });
    expect(p.correlations.matrix).toEqual([[null, null, null], [null, 1, 1], [null, 1, 1]]);
  });

  it('treats a NaN flagged present as missing, as pandas does', () => {
    const values = Float64Array.from([1, NaN, 3, NaN]);
    const t: Table = { rowCount: 4, columns: [{ kind: 'numeric', name: 'x', type: 'float', values, valid: Uint8Array.from([1, 1, 1, 0]) }] };
    const p = profileTable(t);
    expect(p.columns[0]).toMatchObject({ count: 2, missing: 2, distinct: 2, mean: 2, min: 1, max: 3 });
    expect(p.missingCells).toBe(2);
    expect(JSON.stringify(p)).not.toMatch(/NaN|Infinity/);
  });

  it('profiles an empty table (0 rows)', () => {
    const p = profileTable(columnsOf({ x: [], s: [] }));
    expect(p).toMatchObject({ rowCount: 0, columnCount: 2, duplicateRows: 0, missingCells: 0 });
    expect(p.columns[0]).toMatchObject({ count: 0, missing: 0, mean: null, histogram: [] });
    expect(profileTable({ rowCount: 0, columns: [] })).toMatchObject({ columns: [], correlations: { columns: [], matrix: [] } });
  });

  it('breaks ties in top values by first appearance', () => {
    const s = col<StringProfile>('s', profileTable(columnsOf({ s: ['b', 'a', 'c', 'a', 'b', 'd'] }), { topK: 2 }));
    expect(s.top).toEqual([{ value: 'b', count: 2 }, { value: 'a', count: 2 }]);
  });

  it('gives booleans their share of true and top values', () => {
    const b = profileTable(columnsOf({ b: [false, true, true, null] })).columns[0];
    expect(b).toMatchObject({ type: 'boolean', count: 3, missing: 1, distinct: 2, mean: 2 / 3, top: [{ value: true, count: 2 }, { value: false, count: 1 }] });
  });

  it('profiles datetime columns in epoch milliseconds', () => {
    const d = col('d', profileTable(columnsOf({ d: ['2024-01-01', '2024-01-03', null] })));
    expect(d).toMatchObject({ type: 'datetime', count: 2, min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 0, 3), mean: Date.UTC(2024, 0, 2) });
  });

  it('caps the correlation matrix at maxCorrelationColumns', () => {
    expect(profileTable(penguins, { maxCorrelationColumns: 2 }).correlations.columns).toEqual(PANDAS_CORR.columns.slice(0, 2));
  });
});

describe('profileTable progress and cancellation', () => {
  it('reports progress per column, then duplicates and correlations', () => {
    const seen: number[] = [];
    profileTable(penguins, { onProgress: (p) => { expect(p).toMatchObject({ stage: 'profile', total: 9 }); seen.push(p.done); } });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('throws EnclaveError cancelled when the signal is aborted', () => {
    const ac = new AbortController();
    const run = () => profileTable(penguins, { signal: ac.signal, onProgress: (p) => p.done === 2 && ac.abort() });
    expect(run).toThrow(EnclaveError);
    try { run(); } catch (e) { expect((e as EnclaveError).code).toBe('cancelled'); }
  });
});

describe('sortFloat64 (the radix sort behind quantiles)', () => {
  it('orders as Float64Array.prototype.sort across signs, zeros, infinities, subnormals and repeats', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const special = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
    for (const n of [100, 100_000]) {
      const a = Float64Array.from({ length: n }, (_, i) =>
        i % 10 === 0 ? special[(i / 10) % special.length] : i % 3 === 0 ? Math.round(rand() * 50) : (rand() - 0.5) * 10 ** (rand() * 40 - 20));
      const expected = a.slice().sort();
      const got = sortFloat64(a);
      expect(got).toBe(a);
      expect(Array.from(got).every((v, i) => Object.is(v, expected[i]))).toBe(true);
    }
  });
});

describe('sortFloat64 of decimals (counted, not sorted)', () => {
  let seed = 17;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const n = 50_000;
  /** Values as a CSV reader makes them: the double nearest each decimal text. */
  const written = (f: () => number, decimals: number) => Float64Array.from({ length: n }, () => Number(f().toFixed(decimals)));
  const sameAsBuiltIn = (a: Float64Array, counted: boolean) => {
    const expected = a.slice().sort();
    const copy = a.slice();
    expect(countDecimals(copy), 'counted').toBe(counted);
    if (!counted) expect(copy.every((v, i) => Object.is(v, a[i]))).toBe(true); // untouched when it declines
    const got = sortFloat64(a);
    expect(got).toBe(a);
    expect(Array.from(got).every((v, i) => Object.is(v, expected[i]))).toBe(true);
  };

  it('orders as the built-in sort, bit for bit, values of up to 6 decimals in a range of at most 2n steps', () => {
    sameAsBuiltIn(written(() => (rand() - 0.5) * 8, 4), true); // -0.0000 among them: -0 kept, before 0
    sameAsBuiltIn(written(() => rand() * 100 + 20, 3), true);
    sameAsBuiltIn(written(() => rand() * 500, 2), true);
    sameAsBuiltIn(written(() => (rand() - 0.5) * 0.05, 6), true);
    sameAsBuiltIn(written(() => Math.floor(rand() * 1000) - 500, 0), true);
    sameAsBuiltIn(written(() => 1e9 + rand() * 10, 1), true); // far from 0: keys offset by the smallest
    // Keys past 2^53 (large magnitudes, few steps apart): still exact, since keys so close subtract exactly.
    for (const base of [1e12, 9e15, 3e16]) sameAsBuiltIn(Float64Array.from({ length: n }, () => Number((base + Math.floor(rand() * 20_000) / 10).toFixed(1))), true);
    // What the first values suggest does not hold further on: ascending values (a narrow start), more decimals later.
    sameAsBuiltIn(Float64Array.from({ length: n }, (_, i) => i / 100), true);
    sameAsBuiltIn(Float64Array.from({ length: n }, (_, i) => Number(((i % 977) * (i < 10_000 ? 0.1 : 0.001)).toFixed(i < 10_000 ? 1 : 3))), true);
    const zeros = written(() => (rand() < 0.5 ? -0 : 0) + Math.floor(rand() * 3), 0);
    for (let i = 0; i < n; i += 7) zeros[i] = -0;
    sameAsBuiltIn(zeros, true);
  });

  it('declines, leaving the sort to the radix sort, 7 decimals, a wide range, infinities and a late odd value', () => {
    sameAsBuiltIn(written(() => rand(), 7), false);
    sameAsBuiltIn(written(() => rand() * 1e6, 3), false); // 10^9 steps
    const inf = written(() => rand() * 10, 1);
    inf[n - 1] = Infinity;
    sameAsBuiltIn(inf, false);
    const late = written(() => rand() * 10, 2);
    late[n - 2] = 1 / 3;
    sameAsBuiltIn(late, false);
  });
});

describe('profileNumeric by counts (columns of few distinct values skip the sort)', () => {
  it('gives exactly what the sorted path gives: zeros of both signs, infinities, NaN flagged present, missing', () => {
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const pools: number[][] = [
      [0, -0, 1, 2, 3, -4, 0.1, 0.2, 0.3],
      [Infinity, -Infinity, 1.5, -2.25, 7, 0, -0],
      [-0, -0, -0],
      [5],
      [1e300, -1e300, 3.3],
      Array.from({ length: 3000 }, (_, i) => i / 10 - 100),
      Array.from({ length: 200 }, (_, i) => Date.UTC(2015, 0, 1) + i * 86_400_000),
    ];
    for (const pool of pools) {
      for (const n of [4096, 50_000]) {
        const values = Float64Array.from({ length: n }, () => pool[Math.floor(rand() * pool.length)]);
        const valid = Uint8Array.from({ length: n }, () => (rand() < 0.05 ? 0 : 1));
        for (let i = 0; i < n; i += 97) values[i] = NaN;
        for (const type of ['integer', 'float', 'datetime'] as const) {
          const col = { kind: 'numeric' as const, name: 'x', type, values, valid };
          const counted = profileNumeric(col, n, 20);
          const sorted = profileNumeric(col, n, 20, { sort: true });
          expect(counted).toEqual(sorted);
          expect(JSON.stringify(counted)).toBe(JSON.stringify(sorted));
          expect(Object.is(counted.min, sorted.min) && Object.is(counted.mean, sorted.mean) && Object.is(counted.quantiles.p5, sorted.quantiles.p5)).toBe(true);
        }
      }
    }
  });
});

describe('profileNumeric of 0/1 indicator columns (counted from their bits)', () => {
  it('gives exactly the sorted path\'s profile, and a column with any other present value is not taken for one', () => {
    let seed = 5;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const n = 20_000;
    // Values a 0/1 test on the high word alone would let through (0.5, 2, -0, 1 + ε, a tiny subnormal) and NaN.
    const intruders = [0.5, 2, -0, 1 + Number.EPSILON, 5e-324, NaN, -1, 3];
    const cases: { name: string; values: Float64Array; valid: Uint8Array }[] = [];
    for (const share of [0, 0.025, 0.5, 1]) {
      const values = Float64Array.from({ length: n }, () => (rand() < share ? 1 : 0));
      cases.push({ name: `ones ${share}`, values, valid: new Uint8Array(n).fill(1) });
      // Absent slots may hold anything: they must not count, nor stop the indicator path.
      const gappy = values.slice();
      const valid = Uint8Array.from({ length: n }, () => (rand() < 0.1 ? 0 : 1));
      for (let i = 0; i < n; i++) if (!valid[i]) gappy[i] = intruders[i % intruders.length];
      cases.push({ name: `ones ${share}, gaps`, values: gappy, valid });
    }
    for (const x of intruders) {
      const values = Float64Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
      values[n - 7] = x;
      cases.push({ name: `one ${x}`, values, valid: new Uint8Array(n).fill(1) });
    }
    for (const c of cases) {
      const col = { kind: 'numeric' as const, name: 'x', type: 'integer' as const, values: c.values, valid: c.valid };
      const got = profileNumeric(col, n, 20);
      const sorted = profileNumeric(col, n, 20, { sort: true });
      expect(JSON.stringify(got), c.name).toBe(JSON.stringify(sorted));
    }
    // Hand-computed: 3 ones and 5 zeros among 8 present cells (2 absent holding 7 and 0.5).
    const values = Float64Array.from([1, 0, 7, 0, 1, 0, 0.5, 0, 1, 0]);
    const valid = Uint8Array.from([1, 1, 0, 1, 1, 1, 0, 1, 1, 1]);
    const big = 4096 * 4; // past the size below which columns are always sorted
    const tiled = { kind: 'numeric' as const, name: 'x', type: 'integer' as const, values: new Float64Array(big * 10), valid: new Uint8Array(big * 10) };
    for (let k = 0; k < big; k++) tiled.values.set(values, k * 10), tiled.valid.set(valid, k * 10);
    const p = profileNumeric(tiled, big * 10, 20);
    expect([p.count, p.missing, p.distinct, p.zeros, p.min, p.max, p.mean]).toEqual([8 * big, 2 * big, 2, 5 * big, 0, 1, 3 / 8]);
    // pandas 1.5.3: pd.Series([1, 0, 0, 1, 0, 0, 1, 0] * 16384).std()
    expect(p.std).toBeCloseTo(0.48412476506886715, 15);
  });

  it('takes mean and std in closed form, agreeing with pandas and with a column of the same values in another order', () => {
    const n = 8 * 4096;
    // pandas 1.5.3: pd.Series([1, 0, 0, 1, 0, 0, 1, 0] * 4096).std() and .mean()
    const tiled = Float64Array.from({ length: n }, (_, i) => [1, 0, 0, 1, 0, 0, 1, 0][i % 8]);
    const col = (values: Float64Array) => ({ kind: 'numeric' as const, name: 'x', type: 'float' as const, values, valid: new Uint8Array(n).fill(1) });
    for (const sort of [false, true]) {
      const p = profileNumeric(col(tiled), n, 20, { sort });
      expect(p.mean).toBe(0.375);
      expect(p.std).toBeCloseTo(0.48413030557449965, 15);
    }
    // -0 among the zeros, in a shuffled order: the same figures on every path.
    const mixed = tiled.map((v, i) => (v === 0 && i % 3 === 0 ? -0 : v)).reverse();
    const a = profileNumeric(col(mixed), n, 20), b = profileNumeric(col(mixed), n, 20, { sort: true });
    expect([a.mean, a.std]).toEqual([b.mean, b.std]);
    expect(a.std).toBe(profileNumeric(col(tiled), n, 20).std);
    // A value between 0 and 1 is no indicator: summed as any column (0, 0.5, 1 in thirds: std √(0.25 · n / (n − 1))).
    const thirds = Float64Array.from({ length: n }, (_, i) => [0, 0.5, 1][i % 3]);
    const t = profileNumeric(col(thirds), n, 20);
    const mean = thirds.reduce((s, v) => s + v, 0) / n;
    expect(t.std).toBeCloseTo(Math.sqrt(thirds.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)), 12);
    expect(t).toEqual(profileNumeric(col(thirds), n, 20, { sort: true }));
  });
});

describe('pearsonMatrix (all pairs in one blocked pass)', () => {
  it('matches a plain two-pass pairwise-complete Pearson across block boundaries, with missing and NaN cells', () => {
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const n = 10_000;
    const base = Float64Array.from({ length: n }, () => rand());
    const cols = Array.from({ length: 5 }, (_, c) => {
      const values = Float64Array.from(base, (b, i) => (c === 4 ? (i < 5000 ? 2 : 2 + rand()) : b * (c + 1) + rand() * c));
      const valid = Uint8Array.from({ length: n }, () => (c === 0 ? 1 : rand() < 0.1 * c ? 0 : 1));
      if (c === 2) for (let i = 0; i < n; i += 7) values[i] = NaN;
      return { kind: 'numeric' as const, name: `c${c}`, type: 'float' as const, values, valid };
    });
    const reference = (a: typeof cols[0], b: typeof cols[0]) => {
      const xs: number[] = [], ys: number[] = [];
      for (let r = 0; r < n; r++) {
        if (a.valid[r] && b.valid[r] && a.values[r] === a.values[r] && b.values[r] === b.values[r]) (xs.push(a.values[r]), ys.push(b.values[r]));
      }
      const mx = xs.reduce((s, v) => s + v, 0) / xs.length, my = ys.reduce((s, v) => s + v, 0) / ys.length;
      let cxy = 0, cxx = 0, cyy = 0;
      for (let i = 0; i < xs.length; i++) (cxy += (xs[i] - mx) * (ys[i] - my)), (cxx += (xs[i] - mx) ** 2), (cyy += (ys[i] - my) ** 2);
      return cxy / Math.sqrt(cxx * cyy);
    };
    const { matrix } = pearsonMatrix(cols, n);
    for (let i = 0; i < cols.length; i++) {
      expect(matrix[i][i]).toBe(1);
      for (let j = 0; j < cols.length; j++) if (i !== j) expect(matrix[i][j]!).toBeCloseTo(reference(cols[i], cols[j]), 12);
    }
    // Constant over the pair's rows: null, as pandas gives NaN.
    const k = { ...cols[4], values: Float64Array.from(cols[4].values, (v, i) => (i < 5000 ? v : NaN)) };
    expect(pearsonMatrix([cols[0], k], n).matrix).toEqual([[1, null], [null, null]]);
    // Columns with every row present (summed four pairs at a time), one constant at first, one with a gap in one block.
    const full = Array.from({ length: 7 }, (_, c) => {
      const values = Float64Array.from(base, (b, i) => (c === 2 && i < 3000 ? 4 : b * (c - 3) + rand() * (c + 1)));
      const valid = new Uint8Array(n).fill(1);
      if (c === 5) valid.fill(0, 4100, 4200);
      return { kind: 'numeric' as const, name: `f${c}`, type: 'float' as const, values, valid };
    });
    const fm = pearsonMatrix(full, n).matrix;
    for (let i = 0; i < full.length; i++) for (let j = 0; j < full.length; j++) if (i !== j) expect(fm[i][j]!, `${i},${j}`).toBeCloseTo(reference(full[i], full[j]), 12);
  });
});

describe('profileTableAsync between columns', () => {
  it('lets the event loop turn without timers (setTimeout(0) is held to 4 ms a turn once nested: 137 columns, half a second)', async () => {
    const { vi } = await import('vitest');
    const { profileTableAsync } = await import('../../src/lib/core/profile.ts');
    vi.useFakeTimers({ toFake: ['setTimeout'] }); // a profile that waited on setTimeout would never finish here
    try {
      const p = await Promise.race([profileTableAsync(penguins), new Promise((resolve) => setImmediate(() => setImmediate(() => setTimeout(() => resolve('stuck'), 0))))]);
      expect(p).toEqual(profile);
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes the duplicate rows and correlations from elsewhere when given (another thread counts them), and is otherwise the same profile', async () => {
    const { profileTableAsync } = await import('../../src/lib/core/profile.ts');
    let asked = 0;
    const p = await profileTableAsync(penguins, {
      duplicates: async () => (asked++, 12345),
      correlations: async () => profile.correlations,
    });
    expect(asked).toBe(1);
    expect(p).toEqual({ ...profile, duplicateRows: 12345 });
    // profileTable (synchronous) counts them itself.
    expect(profileTable(penguins, { duplicates: async () => 12345 }).duplicateRows).toBe(profile.duplicateRows);
  });
});

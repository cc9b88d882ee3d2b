import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { splitTable, splitTables } from '../../src/lib/core/split.ts';
import { dropColumns, filterRows, stringColumn, withColumn } from '../../src/lib/core/table-ops.ts';
import { column, type NumericColumn, type StringColumn, type Table } from '../../src/lib/core/table.ts';
import { acceptAnomalies, assertAccepted, checkTable, type Anomaly } from '../../src/lib/core/validate/anomalies.ts';
import { compareSplits } from '../../src/lib/core/validate/compare-splits.ts';
import { inferSchema } from '../../src/lib/core/validate/schema.ts';
import { columnsOf, penguinsTable, tableOf } from './tables.ts';


const penguins = penguinsTable();
const schema = inferSchema(penguins, { target: 'Species' });
const col = (name: string) => schema.columns.find((c) => c.name === name)!;
const kinds = (a: Anomaly[]) => a.map((x) => [x.kind, x.column, x.severity]);

/*
 * Reference values: pandas 1.5.3 (Debian /usr/bin/python3):
 *   df = pd.read_json('node_modules/vega-datasets/data/penguins.json')
 *   df.isna().mean()  → Beak Length (mm) 0.005813953488372093 (2/344), Sex 0.029069767441860465 (10/344)
 *   df[c].min(), .max(), .quantile(0.01), .quantile(0.99):
 *     Beak Length (mm): 32.1, 59.6, 34.041000000000004, 55.512999999999984
 *     Body Mass (g):    2700.0, 6300.0, 2900.0, 5979.499999999999
 *   df['Species'].value_counts() → Adelie 152, Gentoo 124, Chinstrap 68
 *   df['Sex'].value_counts(dropna=False) → MALE 168, FEMALE 165, None 10, '.' 1
 */
describe('inferSchema', () => {
  it('records type, present share, range with p1/p99, categories and the class balance of the target', () => {
    expect(schema).toMatchObject({ version: 1, rowCount: 344, target: 'Species' });
    const beak = col('Beak Length (mm)');
    expect(beak).toMatchObject({ type: 'float', categories: null });
    expect(beak.missing).toBeCloseTo(0.005813953488372093, 15);
    expect(beak.present + beak.missing).toBe(1);
    expect(beak.range!.min).toBe(32.1);
    expect(beak.range!.max).toBe(59.6);
    expect(beak.range!.p1).toBeCloseTo(34.041000000000004, 12);
    expect(beak.range!.p99).toBeCloseTo(55.512999999999984, 12);
    expect(col('Body Mass (g)').range).toEqual({ min: 2700, max: 6300, p1: 2900, p99: expect.closeTo(5979.499999999999, 9) });
    expect(col('Sex').missing).toBeCloseTo(0.029069767441860465, 15);
    expect(col('Sex').categories).toEqual(['MALE', 'FEMALE', '.']);
    expect(col('Island').categories).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    expect(col('Species').classBalance).toEqual([
      { value: 'Adelie', count: 152, share: 152 / 344 },
      { value: 'Gentoo', count: 124, share: 124 / 344 },
      { value: 'Chinstrap', count: 68, share: 68 / 344 },
    ]);
    expect(col('Island').classBalance).toBeUndefined();
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('keeps category sets only up to 1000 values, and booleans as "false"/"true"', () => {
    const t = columnsOf({ id: Array.from({ length: 1500 }, (_, i) => `k${i % 1200}`), flag: Array.from({ length: 1500 }, (_, i) => i % 4 === 0) });
    const s = inferSchema(t);
    expect(s.columns[0].categories).toBeNull();
    expect(s.columns[0].distinct).toBe(1200);
    expect(s.columns[1]).toMatchObject({ type: 'boolean', categories: ['false', 'true'], range: null });
  });

  it('gives an integer class target a class balance', () => {
    const s = inferSchema(columnsOf({ y: [0, 1, 1, 1], x: [1.5, 2, 3, 4] }), { target: 'y' });
    expect(s.columns[0].classBalance).toEqual([{ value: '1', count: 3, share: 0.75 }, { value: '0', count: 1, share: 0.25 }]);
  });
});

describe('checkTable', () => {
  it('finds nothing in the data the schema came from', () => {
    expect(checkTable(penguins, schema)).toEqual([]);
  });

  it('blocks on a missing column and on a type mismatch, and notes a new column', () => {
    let t = dropColumns(penguins, ['Island']);
    t = withColumn(t, stringColumn('Body Mass (g)', 'categorical', Array.from({ length: t.rowCount }, (_, i) => (i % 2 ? 'heavy' : 'light'))));
    t = withColumn(t, stringColumn('Colour', 'categorical', Array(t.rowCount).fill('black')));
    const a = checkTable(t, schema);
    expect(kinds(a)).toEqual([
      ['missing-column', 'Island', 'blocking'],
      ['type-mismatch', 'Body Mass (g)', 'blocking'],
      ['new-column', 'Colour', 'info'],
    ]);
    expect(a[0]).toMatchObject({ id: 'missing-column:Island', message: 'Column "Island" is missing: the training data has it (categorical).' });
    expect(a[1].message).toBe('Column "Body Mass (g)" holds text (categorical); the training data holds numbers (integer).');
    expect(a[1].detail).toEqual({ expected: 'integer', actual: 'categorical' });
  });

  it('accepts an integer batch of a float column and any string kind for a string column', () => {
    const s = inferSchema(columnsOf({ price: [1.5, 2.25, 3], code: ['a', 'b', 'a'] }));
    const batch = columnsOf({ price: [2, 3, 2], code: ['x1 y', 'x2 y', 'x3 y'] });
    expect(checkTable(batch, s).filter((x) => x.kind === 'type-mismatch')).toEqual([]);
  });

  it('warns on values out of the training range, naming the column and the numbers', () => {
    const mass = column(penguins, 'Body Mass (g)') as NumericColumn;
    const t = withColumn(penguins, { ...mass, values: mass.values.map((v, i) => (i < 3 ? 9000 : i === 4 ? 100 : v)) });
    // Row 3 has no body mass: 4 of the 342 present values are outside.
    const [a] = checkTable(t, schema);
    expect(a).toMatchObject({ id: 'out-of-range:Body Mass (g)', kind: 'out-of-range', severity: 'warning' });
    expect(a.message).toBe('Column "Body Mass (g)": 4 values (1.2%) fall outside the training range 2,700 to 6,300 (seen 100 to 9,000).');
    expect(a.detail).toMatchObject({ below: 1, above: 3, count: 4 });
  });

  it('treats later dates as information only, and names them as dates', () => {
    const s = inferSchema(columnsOf({ day: ['2024-01-01', '2024-02-01'] }));
    const [a] = checkTable(columnsOf({ day: ['2024-03-01', '2024-01-15'] }), s);
    expect(a).toMatchObject({ kind: 'out-of-range', severity: 'info' });
    expect(a.message).toContain('training range 2024-01-01 to 2024-02-01 (seen 2024-01-15 to 2024-03-01)');
    expect(a.message).not.toContain('T00:00:00');
  });

  it('warns on categories the training data never had', () => {
    const islands = Array.from({ length: 100 }, (_, i) => (i < 3 ? 'Atlantis' : i < 4 ? 'Avalon' : 'Dream'));
    const t = columnsOf({ Island: islands });
    const a = checkTable(t, schema).find((x) => x.kind === 'unexpected-category')!;
    expect(a).toMatchObject({ id: 'unexpected-category:Island', severity: 'warning', column: 'Island' });
    expect(a.message).toBe('Column "Island": 4 rows (4.0%) hold 2 values the training data never had: "Atlantis" (3), "Avalon" (1).');
  });

  it('warns when the missing share rises by more than the tolerance', () => {
    const sex = column(penguins, 'Sex') as StringColumn;
    const t = withColumn(penguins, { ...sex, valid: sex.valid.map((v, i) => (i % 10 === 0 ? 0 : v)) });
    const a = checkTable(t, schema).find((x) => x.kind === 'missing-rose')!;
    expect(a.severity).toBe('warning');
    expect(a.message).toMatch(/^Column "Sex" is 12\.\d% missing \(4\d rows of 344\), up from 2\.9% in the training data\.$/);
    expect(checkTable(t, schema, { missingTolerance: 0.2 }).find((x) => x.kind === 'missing-rose')).toBeUndefined();
  });

  it('warns when a class share of the target moved by more than the tolerance', () => {
    const species = column(penguins, 'Species') as StringColumn;
    const t = filterRows(penguins, Uint8Array.from(species.codes, (c) => (species.dictionary[c] === 'Gentoo' ? 0 : 1)));
    const a = checkTable(t, schema).find((x) => x.kind === 'class-balance-moved')!;
    expect(a).toMatchObject({ id: 'class-balance-moved:Species', severity: 'warning' });
    // The largest move is named: Gentoo is gone (Adelie rose from 44.2% to 69.1%).
    expect(a.message).toBe('Target "Species": class "Gentoo" is 0.0% of rows here and 36.0% in the training data (down 36.0 points).');
    expect(a.detail.classes).toContainEqual({ value: 'Adelie', expected: 152 / 344, actual: 152 / 220, change: 152 / 220 - 152 / 344 });
    expect(checkTable(t, schema, { balanceTolerance: 0.4 }).find((x) => x.kind === 'class-balance-moved')).toBeUndefined();
  });
});

describe('acceptAnomalies', () => {
  const anomalies = checkTable(withColumn(dropColumns(penguins, ['Island', 'Sex']), stringColumn('Colour', 'categorical', Array(344).fill('x'))), schema);

  it('returns the blocking anomalies no acceptance covers', () => {
    expect(acceptAnomalies(anomalies, []).map((a) => a.id)).toEqual(['missing-column:Island', 'missing-column:Sex']);
    const accepted = [{ id: 'missing-column:Island', reason: 'not collected any more', at: 1_700_000_000_000 }];
    expect(acceptAnomalies(anomalies, accepted).map((a) => a.id)).toEqual(['missing-column:Sex']);
    expect(() => assertAccepted(anomalies, accepted)).toThrow(EnclaveError);
    expect(() => assertAccepted(anomalies, [...accepted, { id: 'missing-column:Sex', reason: 'ok', at: 1 }])).not.toThrow();
  });

  it('keeps ids stable from one check to the next', () => {
    expect(checkTable(dropColumns(penguins, ['Island']), schema)[0].id).toBe(anomalies[0].id);
  });
});

describe('compareSplits', () => {
  const split = splitTable(penguins, { target: 'Species' });
  const splits = splitTables(penguins, split.indices);

  it('gives the class shares of the target in each split and drift reports from train', () => {
    const c = compareSplits(splits, { target: 'Species' });
    expect(c.sizes).toEqual(split.summary.sizes);
    if (c.target?.kind !== 'classes') throw new Error('expected classes');
    expect(c.target.classes.map((x) => x.value)).toEqual(['Adelie', 'Gentoo', 'Chinstrap']);
    for (const k of c.target.classes) for (const s of ['train', 'validation', 'test'] as const) {
      expect(k.shares[s]).toBeCloseTo(k.counts[s] / split.summary.sizes[s], 15);
      expect(Math.abs(k.shares[s] - k.counts.train / split.summary.sizes.train)).toBeLessThan(0.03);
    }
    expect(c.target.drift.validation).toMatchObject({ column: 'Species', test: 'chisquare', drifted: false });
    expect(c.drift.validation!.columns.map((x) => x.column)).not.toContain('Species');
    expect(c.drift.test!.columns.find((x) => x.column === 'Beak Length (mm)')).toMatchObject({ test: 'ks', referenceSize: 205 });
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it('summarises a numeric target and gives no drift report for an empty split', () => {
    const parts = splitTables(penguins, splitTable(penguins, { fractions: [0.8, 0, 0.2] }).indices);
    const c = compareSplits(parts, { target: 'Body Mass (g)' });
    if (c.target?.kind !== 'numeric') throw new Error('expected numeric');
    expect(c.target.stats.validation).toEqual({ count: 0, mean: null, std: null, min: null, max: null });
    expect(c.target.stats.train.count).toBeGreaterThan(270);
    expect(c.target.stats.train.mean).toBeGreaterThan(4000);
    expect(c.drift.validation).toBeNull();
    expect(c.target.drift.test).toMatchObject({ test: 'ks' });
  });
});

/*
 * The schema and the range check count a column of few distinct values instead of sorting it, and find the ends of
 * a range in one pass: the results must be those of a sorted copy to the bit (-0 before 0, ±Infinity kept, NaN and
 * missing slots dropped), whichever route a column takes.
 */
describe('schema and range checks without sorting', () => {
  const rng = seeded(20261123);
  const POOL = [0, -0, 1, -1, 0.5, 3, Infinity, -Infinity, NaN, 2.25, 1e-300, -7];
  function numeric(name: string, n: number, draw: () => number): NumericColumn {
    const values = new Float64Array(n), valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = draw();
      valid[i] = rng.next() < 0.9 ? 1 : 0;
    }
    return { kind: 'numeric', name, type: 'float', values, valid };
  }
  const pick = (pool: number[]) => () => pool[rng.int(pool.length)];
  const fixed = (name: string, values: number[]): NumericColumn => ({ kind: 'numeric', name, type: 'float', values: Float64Array.from(values), valid: new Uint8Array(values.length).fill(1) });
  /** What a sorted copy of the present values gives. */
  function sortedSummary(c: NumericColumn) {
    const sorted = Float64Array.from(c.values.filter((v, i) => c.valid[i] && v === v)).sort();
    const n = sorted.length;
    let distinct = n ? 1 : 0;
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    const q = (p: number) => {
      if (p <= 0 || n < 2) return sorted[0];
      const i = (n - 1) * p, i0 = Math.floor(i);
      return sorted[i0] + (sorted[i0 + 1] - sorted[i0]) * (i - i0);
    };
    return { sorted, n, distinct, range: n ? { min: sorted[0], max: sorted[n - 1], p1: q(0.01), p99: q(0.99) } : null };
  }
  const columns = [
    numeric('zeros', 400, pick([0, -0])),
    numeric('negzero', 400, pick([-0, 1])),
    numeric('onlyNeg', 300, () => -0),
    numeric('flag', 2000, pick([0, 1])),
    numeric('few', 2000, pick(POOL)),
    numeric('few2', 50, pick([0, -0, 2, NaN])),
    numeric('many', 3000, () => (rng.next() < 0.2 ? pick(POOL)() : rng.next() * 100 - 50)),
    numeric('empty', 10, () => NaN),
    fixed('signs', [0, 0, -0, 5, -0, 0, NaN]),
    fixed('signs2', [-0, -0, 0, -0, -3]),
  ];

  it('inferSchema gives the distinct count, min, max, p1 and p99 of a sorted copy', () => {
    for (const c of columns) {
      const s = inferSchema({ rowCount: c.values.length, columns: [c] }).columns[0];
      const want = sortedSummary(c);
      expect(s.distinct, c.name).toBe(want.distinct);
      expect(s.present * c.values.length, c.name).toBeCloseTo(want.n, 9);
      if (!want.range) expect(s.range, c.name).toBeNull();
      else for (const k of ['min', 'max', 'p1', 'p99'] as const) expect(s.range![k], `${c.name} ${k}`).toBe(want.range[k]);
    }
  });

  it('inferSchema of large columns (sorted with one working copy) gives what a sorted copy gives, and leaves their profiles made', async () => {
    const { profileNumeric } = await import('../../src/lib/core/profile/numeric.ts');
    const n = 70_000; // past the radix sort's and the working copy's threshold
    const big = [
      numeric('spread', n, () => (rng.next() < 0.01 ? pick(POOL)() : rng.next() * 2e6 - 1e6)),
      numeric('wide', n, () => rng.next() * 1e-3),
      { ...numeric('stamp', n, () => 1.7e12 + Math.floor(rng.next() * 1e9)), type: 'datetime' as const },
      numeric('codes', n, pick([1, 2, 3])), // counted, not sorted
    ];
    const t: Table = { rowCount: n, columns: big };
    const schema = inferSchema(t);
    for (const c of big) {
      const s = schema.columns.find((x) => x.name === c.name)!;
      const want = sortedSummary(c);
      expect(s.distinct, c.name).toBe(want.distinct);
      expect(s.present * n, c.name).toBeCloseTo(want.n, 6);
      for (const k of ['min', 'max', 'p1', 'p99'] as const) expect(s.range![k], `${c.name} ${k}`).toBe(want.range![k]);
      // The profile the prepare stage asks for next: the same as one made from a sorted copy of an unseen column.
      const fresh = { ...c, values: c.values.slice(), valid: c.valid.slice() };
      expect(profileNumeric(c as NumericColumn & { type: 'float' }, n, 20), c.name).toEqual(profileNumeric(fresh as NumericColumn & { type: 'float' }, n, 20, { sort: true }));
    }
    // Made once, when the schema sorted it (the same object each time it is asked for), for those 20 bins only.
    const spread = big[0] as NumericColumn & { type: 'float' };
    expect(profileNumeric(spread, n, 20)).toBe(profileNumeric(spread, n, 20));
    expect(profileNumeric(spread, n, 10).histogram).toHaveLength(10);
  });

  it('checkTable counts values outside the range and names the ends a sorted copy has', () => {
    for (const c of columns) {
      for (const range of [{ min: 0, max: 0.5 }, { min: -0, max: 1 }, { min: 1, max: 1 }, { min: -1, max: 3 }]) {
        const s: ReturnType<typeof inferSchema> = {
          version: 1, rowCount: 1, target: null,
          columns: [{ name: c.name, type: 'float', present: 1, missing: 0, distinct: 1, range: { ...range, p1: range.min, p99: range.max }, categories: null }],
        };
        const a = checkTable({ rowCount: c.values.length, columns: [c] }, s).find((x) => x.kind === 'out-of-range');
        const { sorted } = sortedSummary(c);
        const below = sorted.filter((v) => v < range.min).length, above = sorted.filter((v) => v > range.max).length;
        if (!below && !above) {
          expect(a, c.name).toBeUndefined();
          continue;
        }
        expect(a!.detail, c.name).toMatchObject({ below, above, count: below + above, share: (below + above) / sorted.length });
        expect(a!.detail.seenMin, c.name).toBe(sorted[0]);
        expect(a!.detail.seenMax, c.name).toBe(sorted[sorted.length - 1]);
      }
    }
  });
});

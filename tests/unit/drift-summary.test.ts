/**
 * Training summaries (core/validate/drift/summary.ts) and the drift tests run from them (summary-drift.ts) instead of
 * the training rows: the summary's statistics against NumPy/pandas, its schema against damaged input, and every test
 * from the summary against the same test on rows (driftReport) on real data under a few shifts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../src/lib/core/errors.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { takeRows, withColumn } from '../../src/lib/core/table-ops.ts';
import { column, type Column, type Table } from '../../src/lib/core/table.ts';
import {
  driftFromSummary,
  driftReport,
  parseTrainingSummary,
  summariseTable,
  type DriftColumn,
  type DriftTestName,
  type NumericSummary,
  type CategoricalSummary,
} from '../../src/lib/core/validate/drift/index.ts';
import { ksStatisticFromSketch, SketchCdf, wassersteinFromSketch } from '../../src/lib/core/validate/drift/sketch.ts';
import { readFileTable } from './ml-fixtures.ts';

const PENGUINS = 'static/samples/penguins.csv';
const CARS = 'node_modules/vega-datasets/data/cars.json';
const FLIGHTS = 'node_modules/vega-datasets/data/flights-2k.json';

/** A seeded 60/40 split of a table's rows (reference, current). */
function split(table: Table, seed: number): { reference: Table; current: Table } {
  const rng = seeded(seed);
  const idx = Array.from({ length: table.rowCount }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const cut = Math.round(table.rowCount * 0.6);
  return { reference: takeRows(table, idx.slice(0, cut)), current: takeRows(table, idx.slice(cut)) };
}

/** Every integer/float column mapped through f(value, column). */
function mapNumbers(table: Table, f: (x: number, c: Column) => number): Table {
  let out = table;
  for (const c of table.columns) {
    if (c.kind !== 'numeric' || (c.type !== 'integer' && c.type !== 'float')) continue;
    out = withColumn(out, { ...c, type: 'float', values: c.values.map((x) => f(x, c)) });
  }
  return out;
}

/** Rows resampled (seeded, with replacement) with the rows holding the first label of each label column weighted ×3. */
function reweight(table: Table, seed: number): Table {
  const rng = seeded(seed);
  const weights = Array.from({ length: table.rowCount }, (_, r) => {
    let w = 1;
    for (const c of table.columns) if (c.kind === 'string' && c.type === 'categorical' && c.valid[r] && c.codes[r] === 0) w *= 3;
    return w;
  });
  const total = weights.reduce((s, w) => s + w, 0);
  const cum = weights.map(((s) => (w: number) => (s += w))(0));
  const idx = Array.from({ length: table.rowCount }, () => {
    const u = rng.next() * total;
    return Math.min(table.rowCount - 1, cum.findIndex((c) => c > u));
  });
  return takeRows(table, idx);
}

function std(c: Column): number {
  if (c.kind !== 'numeric') return 0;
  const xs = c.values.filter((_, i) => c.valid[i] && Number.isFinite(c.values[i]));
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

const SCENARIOS: [string, (reference: Table, current: Table) => Table][] = [
  ['no shift', (_, cur) => cur],
  ['numbers ×1.05', (_, cur) => mapNumbers(cur, (x) => x * 1.05)],
  ['numbers ×1.3', (_, cur) => mapNumbers(cur, (x) => x * 1.3)],
  ['numbers +0.2 sd', (ref, cur) => mapNumbers(cur, (x, c) => x + 0.2 * std(column(ref, c.name)!))],
  ['first labels ×3', (_, cur) => reweight(cur, 5)],
];

/** One comparison; `counted`: a numeric column the summary counted value by value (≤ 20 distinct values). */
interface Pair { file: string; scenario: string; test: DriftTestName; rows: DriftColumn; summary: DriftColumn; counted: boolean }

/** Every column of every scenario: the default test, and each test that applies to the column, on rows and from the summary. */
async function pairs(file: string, seed: number): Promise<{ pairs: Pair[]; defaults: Pair[] }> {
  const table = await readFileTable(file);
  const { reference, current } = split(table, seed);
  const summary = parseTrainingSummary(JSON.parse(JSON.stringify(summariseTable(reference))));
  const out: Pair[] = [], defaults: Pair[] = [];
  for (const [scenario, shift] of SCENARIOS) {
    const cur = shift(reference, current);
    const rows = driftReport(reference, cur), fromSummary = driftFromSummary(summary, cur);
    expect(fromSummary.columns.map((c) => c.column)).toEqual(rows.columns.map((c) => c.column));
    expect(fromSummary.skipped).toEqual(rows.skipped);
    const isCounted = (name: string) => {
      const c = summary.columns.find((x) => x.name === name)!;
      return c.kind === 'numeric' && c.values !== null;
    };
    rows.columns.forEach((r, i) => defaults.push({ file, scenario, test: r.test, rows: r, summary: fromSummary.columns[i], counted: isCounted(r.column) }));
    for (const r of rows.columns) {
      const numeric = r.type === 'integer' || r.type === 'float';
      const counted = isCounted(r.column);
      const tests: DriftTestName[] = numeric
        ? ['ks', 'wasserstein', 'psi', 'jensenshannon', 'linf', ...(counted ? (['chisquare', 'z'] as const) : [])]
        : ['chisquare', 'z', 'jensenshannon', 'psi', 'linf'];
      for (const test of tests) {
        const asked = { columns: [r.column], tests: { [r.column]: test } };
        const a = driftReport(reference, cur, asked).columns[0];
        const b = driftFromSummary(summary, cur, { columns: [r.column], tests: new Map([[r.column, test]]) }).columns[0];
        out.push({ file, scenario, test, rows: a, summary: b, counted });
      }
    }
  }
  return { pairs: out, defaults };
}

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/*
 * References: pandas 1.5 / NumPy 1.24 (/usr/bin/python3), computed once:
 *   d = pd.read_csv('static/samples/penguins.csv'); x = d['Body Mass (g)'].dropna().values
 *   len(x), d['Body Mass (g)'].isna().sum(), x.mean(), x.std()      → 342, 2, 4201.754385964912, 800.781229238452 (ddof 0)
 *   np.quantile(x, [0, .01, .25, .5, .73, 1])                         → 2700, 2900, 3550, 4050, 4723.25, 6300
 *   cuts = deciles np.quantile(x, i/10), i = 1..9, duplicates merged → 3300 3475 3650 3800 4050 4300 4650 4950 5400
 *   np.bincount(np.searchsorted(cuts, x, side='right'))              → 34 34 30 31 41 29 38 35 31 39
 *   d['Island'].value_counts()                                        → Biscoe 168, Dream 124, Torgersen 52
 *   cars = pd.DataFrame(json.load(open('node_modules/vega-datasets/data/cars.json')))
 *   cars['Cylinders'].value_counts().sort_index()                     → 3: 4, 4: 207, 5: 3, 6: 84, 8: 108
 *   cars['Name'].count(), cars['Name'].nunique()                      → 406, 311
 *   h = cars['Horsepower'].dropna().values: len, missing, mean, std(ddof 0), np.quantile(h, [.5, .9, .99])
 *                                                                     → 400, 6, 105.0825, 38.72028788309818, 95, 160.5, 220.05
 */
describe('a training summary', () => {
  it('keeps count, missing, min, max, mean, population std, R-7 quantiles and the decile buckets of a numeric column, as NumPy', async () => {
    const s = summariseTable(await readFileTable(PENGUINS));
    const mass = s.columns.find((c) => c.name === 'Body Mass (g)') as NumericSummary;
    expect([mass.count, mass.missing, mass.min, mass.max]).toEqual([342, 2, 2700, 6300]);
    expect(mass.mean).toBeCloseTo(4201.754385964912, 9);
    expect(mass.std).toBeCloseTo(800.781229238452, 9);
    expect(mass.quantiles).toHaveLength(101);
    expect([0, 1, 25, 50, 73, 100].map((k) => mass.quantiles[k])).toEqual([2700, 2900, 3550, 4050, 4723.25, 6300]);
    expect(mass.bins).toEqual({ cuts: [3300, 3475, 3650, 3800, 4050, 4300, 4650, 4950, 5400], counts: [34, 34, 30, 31, 41, 29, 38, 35, 31, 39] });
    expect(mass.values).toBeNull(); // 94 distinct values: no per-value counts
    expect(mass.histogram.reduce((n, b) => n + b.count, 0)).toBe(342);
    const island = s.columns.find((c) => c.name === 'Island') as CategoricalSummary;
    expect(island).toMatchObject({ kind: 'string', count: 344, missing: 0, categories: [['Biscoe', 168], ['Dream', 124], ['Torgersen', 52]], other: 0, otherCategories: 0 });
  });

  it('counts every value of a numeric column of at most 20 distinct values, and sketches the rest (cars)', async () => {
    const s = summariseTable(await readFileTable(CARS));
    const cyl = s.columns.find((c) => c.name === 'Cylinders') as NumericSummary;
    expect(cyl.values).toEqual([[3, 4], [4, 207], [5, 3], [6, 84], [8, 108]]);
    const hp = s.columns.find((c) => c.name === 'Horsepower') as NumericSummary;
    expect([hp.count, hp.missing]).toEqual([400, 6]);
    expect(hp.mean).toBeCloseTo(105.0825, 10);
    expect(hp.std).toBeCloseTo(38.72028788309818, 10);
    expect(hp.quantiles[50]).toBe(95);
    expect(hp.quantiles[90]).toBeCloseTo(160.5, 9);
    expect(hp.quantiles[99]).toBeCloseTo(220.05, 9);
    // Car names are free text: counted, never listed (a summary leaves the device; a name can identify a person).
    expect(s.columns.find((c) => c.name === 'Name')).toEqual({ name: 'Name', kind: 'withheld', type: 'text', count: 406, missing: 0, distinct: 311 });
    expect(JSON.stringify(s)).not.toContain('chevrolet chevelle malibu');
    const asked = driftFromSummary(s, await readFileTable(CARS), { columns: ['Name'], tests: new Map([['Name', 'chisquare']]) });
    expect(asked.skipped).toEqual([{ column: 'Name', reason: 'the training summary keeps no values of text or identifier columns' }]);
    const year = s.columns.find((c) => c.name === 'Year') as NumericSummary;
    expect(year.type).toBe('datetime'); // epoch milliseconds
    expect(year.min).toBe(Date.UTC(1970, 0, 1));
  });

  it('keeps the most frequent categories up to the cap and pools the rest as "other", which a new label then joins', async () => {
    const penguins = await readFileTable(PENGUINS);
    const s = summariseTable(penguins, { maxCategories: 2, columns: ['Island'] });
    expect(s.columns).toHaveLength(1);
    expect(s.columns[0]).toMatchObject({ categories: [['Biscoe', 168], ['Dream', 124]], other: 52, otherCategories: 1 });
    // A batch of 10 Torgersen and 10 Atlantis rows: both pooled labels, so "other" holds 20 of 20 against 52 of 344.
    const batch = { rowCount: 20, columns: [{ kind: 'string' as const, name: 'Island', type: 'categorical' as const, codes: Int32Array.from({ length: 20 }, (_, i) => i % 2), dictionary: ['Torgersen', 'Atlantis'], valid: new Uint8Array(20).fill(1) }] };
    const capped = driftFromSummary(s, batch).columns[0];
    // Evidently's chi-square over (Biscoe, Dream, other): expected 20·(168, 124, 52)/344, observed (0, 0, 20).
    const e = [168, 124, 52].map((k) => (20 * k) / 344);
    const chi = e[0] + e[1] + (20 - e[2]) ** 2 / e[2];
    expect(capped.test).toBe('chisquare');
    expect(capped.statistic).toBeCloseTo(chi, 10);
    // Without the cap, Atlantis is a label the reference never saw: infinite statistic (null), p = 0.
    const full = driftFromSummary(summariseTable(penguins, { columns: ['Island'] }), batch).columns[0];
    expect([full.statistic, full.pValue, full.drifted]).toEqual([null, 0, true]);
  });

  it('reads back from JSON, and a damaged or foreign summary is refused naming the column and field', async () => {
    const s = JSON.parse(JSON.stringify(summariseTable(await readFileTable(PENGUINS))));
    expect(parseTrainingSummary(s)).toEqual(s);
    const refused = (mutate: (x: any) => void) => {
      const copy = structuredClone(s);
      mutate(copy);
      try {
        parseTrainingSummary(copy);
      } catch (e) {
        expect(e).toBeInstanceOf(EnclaveError);
        expect((e as EnclaveError).code).toBe('invalid-argument');
        return (e as EnclaveError).message;
      }
      throw new Error('accepted');
    };
    const mass = s.columns.findIndex((c: { name: string }) => c.name === 'Body Mass (g)');
    expect(refused((x) => (x.version = 2))).toMatch(/not one this version of Enclave reads.*version 2/);
    expect(refused((x) => (x.columns[mass].bins.counts[0] += 1))).toMatch(/column "Body Mass \(g\)".*bucket counts add up to count/);
    expect(refused((x) => x.columns[mass].quantiles.reverse())).toMatch(/column "Body Mass \(g\)", quantiles: quantiles must ascend/);
    expect(refused((x) => (x.columns[mass].mean = 'heavy'))).toMatch(/column "Body Mass \(g\)", mean/);
    expect(refused((x) => (x.columns[1].categories[0][1] = -3))).toMatch(/column "Island", categories/);
    expect(refused((x) => x.columns.push(x.columns[0]))).toMatch(/each column once/);
    expect(refused((x) => (x.columns[0].kind = 'blob'))).toMatch(/damaged/);
  });
});

describe('the reference CDF read off a quantile sketch', () => {
  it('is linear between knots and jumps where knots share a value (hand-computed)', () => {
    // Knots 1, 2, 2, 2, 3 at 0, .25, .5, .75, 1: F rises linearly to .25 at 2, jumps to .75 there, then to 1 at 3.
    const F = new SketchCdf([1, 2, 2, 2, 3]);
    expect([F.at(0.5), F.at(1), F.at(1.5), F.before(2), F.at(2), F.at(2.5), F.at(3), F.before(3), F.at(4)]).toEqual([0, 0, 0.125, 0.25, 0.75, 0.875, 1, 1, 1]);
  });

  it('gives KS and Wasserstein against a sample as the integrals say (uniform sketch vs a point at 0.5)', () => {
    // F_ref(x) = x on [0, 1]; the sample is all 0.5: sup |F_ref − F_cur| = 0.5 (either side of 0.5);
    // ∫ |F_ref − F_cur| = ∫_0^.5 x dx + ∫_.5^1 (1 − x) dx = 0.25 (= E|U − 0.5|).
    expect(ksStatisticFromSketch([0, 1], Float64Array.of(0.5, 0.5))).toBe(0.5);
    expect(wassersteinFromSketch([0, 1], Float64Array.of(0.5, 0.5))).toBeCloseTo(0.25, 15);
    // A sample of 0, 0.5 and 1 (steps against the line): ∫ over [0, .5) |x − 1/3| + over [.5, 1) |x − 2/3|
    // = 2 · (1/18 + 1/72) = 5/36.
    expect(wassersteinFromSketch([0, 1], Float64Array.of(0, 0.5, 1))).toBeCloseTo(5 / 36, 15);
  });
});

describe('drift tests from a training summary agree with the tests on rows', () => {
  it('on penguins, cars and flights under no shift, scaling, a location shift and a new category mix', async () => {
    const all: Pair[] = [], defaults: Pair[] = [];
    for (const [file, seed] of [[PENGUINS, 11], [CARS, 12], [FLIGHTS, 13]] as const) {
      const p = await pairs(file, seed);
      all.push(...p.pairs);
      defaults.push(...p.defaults);
    }
    const byTest = new Map<string, { n: number; same: number; drifted: number; maxAbs: number; maxRel: number; exact: number; maxLogP: number }>();
    for (const p of all) {
      const key = `${p.test}${p.summary.type === 'integer' || p.summary.type === 'float' ? '' : ' (labels)'}${p.counted ? ' (≤ 20 values)' : ''}`;
      const s = byTest.get(key) ?? { n: 0, same: 0, drifted: 0, maxAbs: 0, maxRel: 0, exact: 0, maxLogP: 0 };
      s.n++;
      if (p.rows.drifted === p.summary.drifted) s.same++;
      if (p.rows.drifted) s.drifted++;
      const a = p.rows.statistic ?? Infinity, b = p.summary.statistic ?? Infinity;
      s.maxAbs = Math.max(s.maxAbs, a === b ? 0 : Math.abs(a - b));
      s.maxRel = Math.max(s.maxRel, rel(a, b));
      if (a === b || rel(a, b) < 1e-12) s.exact++;
      if (p.rows.pValue !== null && p.rows.pValue > 1e-300) s.maxLogP = Math.max(s.maxLogP, Math.abs(Math.log10(p.summary.pValue! / p.rows.pValue)));
      byTest.set(key, s);
    }
    if (process.env.DRIFT_SUMMARY_REPORT) {
      console.log([...byTest].map(([k, s]) => `${k}: ${s.n} cases (${s.drifted} drifted on rows), verdicts same ${s.same}, exact ${s.exact}, max |Δstat| ${s.maxAbs.toPrecision(3)}, max rel ${(100 * s.maxRel).toPrecision(3)}%, max |log10 p ratio| ${s.maxLogP.toPrecision(3)}`).join('\n'));
      const flips = all.filter((p) => p.rows.drifted !== p.summary.drifted);
      console.log(flips.map((p) => `${p.file} ${p.scenario} ${p.rows.column} ${p.test}: rows ${p.rows.statistic} p ${p.rows.pValue} / summary ${p.summary.statistic} p ${p.summary.pValue}`).join('\n'));
      const dflips = defaults.filter((p) => p.rows.drifted !== p.summary.drifted);
      console.log('default-test cases', defaults.length, 'verdict flips', dflips.length, [...new Set(defaults.map((d) => d.test))]);
    }
    // Measured (DRIFT_SUMMARY_REPORT=1 prints the table): 460 comparisons of a named test and 90 of the default test (chisquare, ks,
    // wasserstein, jensenshannon). Every verdict is the same on rows and from the summary. Label columns, numeric
    // columns of ≤ 20 distinct values, and PSI / Jensen–Shannon / L∞ on any numeric column are the row-based values
    // (to 1e-12); KS from the sketch is within 0.012 of D (p-values within a factor 2.7), Wasserstein within 0.011
    // reference standard deviations (threshold 0.1).
    expect(all.length).toBe(460);
    expect(defaults.length).toBe(90);
    for (const p of [...all, ...defaults]) {
      expect(p.summary.test).toBe(p.rows.test);
      expect(p.summary.drifted, `${p.file} ${p.scenario} ${p.rows.column} ${p.test}`).toBe(p.rows.drifted);
      expect(p.summary.referenceSize).toBe(p.rows.referenceSize);
      expect(p.summary.currentSize).toBe(p.rows.currentSize);
      const a = p.rows.statistic!, b = p.summary.statistic!;
      const sketched = !p.counted && (p.test === 'ks' || p.test === 'wasserstein') && p.rows.type !== 'categorical';
      if (!sketched) {
        expect(rel(a, b), `${p.file} ${p.scenario} ${p.rows.column} ${p.test}`).toBeLessThan(1e-12);
        if (p.rows.pValue !== null) expect(rel(p.rows.pValue, p.summary.pValue!)).toBeLessThan(1e-12);
      } else expect(Math.abs(a - b), `${p.file} ${p.scenario} ${p.rows.column} ${p.test}`).toBeLessThan(0.015);
    }
  }, 60_000);
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { prepareSplits, prepareTable } from '../../src/lib/core/prepare.ts';
import { splitTable } from '../../src/lib/core/split.ts';
import type { NumericColumn, Table } from '../../src/lib/core/table.ts';
import { numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { errorOf } from './errors.ts';

function tableFromRecords(rows: Record<string, unknown>[]): Table {
  const names = Object.keys(rows[0]);
  const columns = names.map((n) => { const b = new ColumnBuilder(n); for (const r of rows) b.pushValue(r[n]); return b.finish(); });
  return { rowCount: rows.length, columns };
}

/** movies.json made model-ready: names and free text dropped, gaps filled, categories one-hot. */
const MOVIES_STEPS = [
  { kind: 'drop-columns', columns: ['Title', 'Release Date', 'Distributor', 'Director'] },
  { kind: 'impute', columns: '*numeric', strategy: 'median' },
  { kind: 'impute', columns: '*categorical', strategy: 'most_frequent' },
  { kind: 'onehot', columns: '*categorical', unknown: 'ignore' },
];

function penguins(): Table {
  const rows = JSON.parse(readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8')) as Record<string, unknown>[];
  const names = Object.keys(rows[0]);
  const columns = names.map((n) => { const b = new ColumnBuilder(n); for (const r of rows) b.pushValue(r[n]); return b.finish(); });
  return { rowCount: rows.length, columns };
}

// Scaling first (its fitted state is checked below), then what makes every column usable by models.
const recipe = {
  target: 'Species',
  steps: [
    { kind: 'scale', columns: ['Body Mass (g)'], method: 'minmax' },
    { kind: 'impute', columns: '*numeric', strategy: 'mean' },
    { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' },
    { kind: 'onehot', columns: ['Island', 'Sex'] },
  ],
};

describe('prepareTable', () => {
  it('fits min-max on the training rows only: the state is the train split\'s min and range', () => {
    const table = penguins();
    const out = prepareTable(table, recipe, { split: { seed: 42 } });
    const { indices } = splitTable(table, { seed: 42, target: 'Species' });
    const mass = table.columns.find((c) => c.name === 'Body Mass (g)') as NumericColumn;
    const trainValues = Array.from(indices.train).filter((i) => mass.valid[i]).map((i) => mass.values[i]);
    const min = Math.min(...trainValues), max = Math.max(...trainValues);
    const state = out.fitted.steps[0].state as { columns: { name: string; center: number; scale: number }[] };
    expect(state.columns[0].center).toBe(min);
    expect(state.columns[0].scale).toBe(max - min);
    expect(out.splits.train.rowCount).toBe(indices.train.length);
  });

  it('gives the same fitted state when every validation and test row is changed wildly (would fail on any leak)', () => {
    const table = penguins();
    const before = prepareTable(table, recipe, { split: { seed: 42 } }).fitted;
    const { indices } = splitTable(table, { seed: 42, target: 'Species' });
    const mass = table.columns.find((c) => c.name === 'Body Mass (g)') as NumericColumn;
    for (const i of [...indices.validation, ...indices.test]) { mass.values[i] = 1e9; mass.valid[i] = 1; }
    const after = prepareTable(table, recipe, { split: { seed: 42 } }).fitted;
    expect(after).toEqual(before);
  });

  it('a recipe naming a missing column is refused with the step and column named', () => {
    expect(() => prepareTable(penguins(), { target: 'Species', steps: [{ kind: 'impute', columns: ['age'], strategy: 'mean' }] })).toThrow(/Step 1 \(impute\).*"age"/s);
  });

  it('leaves out the rows without a target before the split, counts them in the report, and none reaches a split (movies.json)', () => {
    const raw = JSON.parse(readFileSync('node_modules/vega-datasets/data/movies.json', 'utf8')) as Record<string, unknown>[];
    const withoutRating = raw.filter((r) => r['IMDB Rating'] === null || r['IMDB Rating'] === undefined).length;
    expect(withoutRating).toBe(213); // python3: sum(r['IMDB Rating'] is None for r in json.load(...))
    const movies = tableFromRecords(raw);
    const out = prepareTable(movies, { target: 'IMDB Rating', steps: MOVIES_STEPS }, { split: { seed: 42 } });
    expect(out.report.split.excluded).toEqual({ missingTarget: 213 });
    expect(out.report.split.rowCount).toBe(3201 - 213);
    const sizes = [out.splits.train.rowCount, out.splits.validation.rowCount, out.splits.test.rowCount];
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2988);
    for (const t of Object.values(out.splits)) {
      const rating = t.columns.find((c) => c.name === 'IMDB Rating') as NumericColumn;
      for (let i = 0; i < t.rowCount; i++) expect(rating.valid[i] === 1 && Number.isFinite(rating.values[i])).toBe(true);
    }
    // The same rows are prepared when the person drops them first: leaving them out changes nothing else.
    const kept = raw.filter((r) => r['IMDB Rating'] !== null && r['IMDB Rating'] !== undefined);
    const dropped = prepareTable(tableFromRecords(kept), { target: 'IMDB Rating', steps: MOVIES_STEPS }, { split: { seed: 42 } });
    expect(dropped.report.split.excluded).toBeUndefined();
    expect(dropped.fitted).toEqual(out.fitted);
  });
});

describe('prepareTable: every column is usable by every model, or Prepare says which is not', () => {
  const day = 86_400_000;
  const dated = (): Table => ({
    rowCount: 30,
    columns: [
      numericColumn('when', 'datetime', Float64Array.from({ length: 30 }, (_, i) => Date.UTC(2024, 0, 1) + i * 3 * day), new Uint8Array(30).fill(1)),
      numericColumn('x', 'float', Float64Array.from({ length: 30 }, (_, i) => i / 3), new Uint8Array(30).fill(1)),
      stringColumn('y', 'categorical', Array.from({ length: 30 }, (_, i) => (i % 2 ? 'a' : 'b'))),
    ],
  });

  it('refuses a date-parts step that keeps the raw date, naming the column, the step and how to drop it', () => {
    const e = errorOf(() => prepareTable(dated(), { target: 'y', steps: [{ kind: 'date-parts', column: 'when', parts: ['year', 'month'] }] }));
    expect(e.code).toBe('invalid-recipe');
    expect(e.message).toContain('"when" (datetime): step 1 (date-parts) made new columns from it but kept "when" itself: drop it');
    expect(e.message).not.toContain('add a date-parts step');
    expect(e.detail).toMatchObject({ count: 1, columns: [{ column: 'when', type: 'datetime', problem: 'not-numeric' }] });
    // Told to drop the date, the same step prepares: its parts are features.
    const ok = prepareTable(dated(), { target: 'y', steps: [{ kind: 'date-parts', column: 'when', parts: ['year', 'month'], dropOriginal: true }] });
    expect(ok.splits.train.columns.map((c) => c.name)).toEqual(['when_year', 'when_month', 'x', 'y']);
    expect(toDataset(ok.splits.train, 'y').shape.features).toEqual(['when_year', 'when_month', 'x']);
    // Without a date-parts step, the fix is to add one.
    expect(errorOf(() => prepareTable(dated(), { target: 'y', steps: [] })).message).toContain('"when" (datetime): add a date-parts step');
  });

  it('names every column no model could use — categories, and missing values with the split they are in — and their fixes', () => {
    const table = penguins();
    const e = errorOf(() => prepareTable(table, { target: 'Species', steps: [{ kind: 'scale', columns: ['Body Mass (g)'], method: 'minmax' }] }, { split: { seed: 42 } }));
    expect(e.code).toBe('invalid-recipe');
    // penguins.json: the four measurements are missing in rows 4 and 340 (1-based); Sex in 10 rows. Where rows 4 and 340
    // landed is read from the split itself.
    const { indices } = splitTable(table, { seed: 42, target: 'Species' });
    const home = (row: number) => (['train', 'validation', 'test'] as const).find((s) => indices[s].includes(row))!;
    const gaps = home(3) === home(339) ? { [home(3)]: 2 } : { [home(3)]: 1, [home(339)]: 1 };
    const measures = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
    expect(e.detail).toEqual({
      count: 6,
      columns: [
        { column: 'Island', type: 'categorical', problem: 'not-numeric', fix: 'one-hot (or ordinal) encode it, or drop it' },
        ...measures.map((column) => ({ column, type: column.startsWith('Flipper') ? 'integer' : 'float', /* Body Mass is scaled to 0–1 */ problem: 'missing', missing: gaps, fix: expect.stringContaining('add an impute step') })),
        { column: 'Sex', type: 'categorical', problem: 'not-numeric', fix: 'one-hot (or ordinal) encode it, or drop it' },
      ],
    });
    expect(e.message).toMatch(/^After the recipe, 6 columns are not ready for models — "Island" \(categorical\): one-hot/);
  });

  it('refuses what the matrix builder refuses and accepts what it accepts, column type by column type (float32 range included)', () => {
    const n = 24;
    const y = stringColumn('y', 'categorical', Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b')));
    const full = new Uint8Array(n).fill(1);
    const gap = full.slice(); gap[5] = 0;
    const values = Float64Array.from({ length: n }, (_, i) => i);
    const cases = [
      ...(['integer', 'float', 'boolean', 'datetime', 'identifier'] as const).flatMap((t) => [numericColumn(t, t, t === 'boolean' ? values.map((v) => v % 2) : values, full), numericColumn(`${t} with a gap`, t, values, gap)]),
      numericColumn('float with NaN', 'float', values.map((v) => (v === 3 ? Number.NaN : v)), full),
      numericColumn('float with Infinity', 'float', values.map((v) => (v === 3 ? -Infinity : v)), full),
      // Finite as float64, Infinity as the float32 models see (Math.fround(1e39) === Infinity); 3.4e38 still fits.
      numericColumn('float beyond float32', 'float', values.map((v) => (v === 3 ? 1e39 : v)), full),
      numericColumn('float at the float32 edge', 'float', values.map((v) => (v === 3 ? -3.4028234663852886e38 : v)), full),
      ...(['categorical', 'text', 'identifier'] as const).map((t) => stringColumn(`string ${t}`, t, Array.from({ length: n }, (_, i) => `v${i % 3}`))),
    ];
    const refused: string[] = [];
    for (const col of cases) {
      const table: Table = { rowCount: n, columns: [col, y] };
      const steps = { target: 'y', steps: [] };
      let trainError: unknown = null;
      try { toDataset(table, 'y'); } catch (err) { trainError = err; }
      let prepareError: unknown = null;
      try { prepareTable(table, steps, { split: { method: 'random' } }); } catch (err) { prepareError = err; }
      expect({ column: col.name, refusedByPrepare: prepareError !== null }).toEqual({ column: col.name, refusedByPrepare: trainError !== null });
      refused.push(...(prepareError ? [col.name] : []));
    }
    // The reference: models take integers, floats and booleans with a finite value in every row, and nothing else.
    expect(refused).toEqual(cases.map((c) => c.name).filter((name) => !['integer', 'float', 'boolean', 'float at the float32 edge'].includes(name)));
    expect([Math.fround(1e39), Math.fround(-3.4028234663852886e38)]).toEqual([Infinity, -3.4028234663852886e38]);
  });

  it('refuses a numeric target with values models would see as Infinity (beyond float32), in any split', () => {
    const n = 30;
    const y = Float64Array.from({ length: n }, (_, i) => i + 0.5);
    y[17] = 2e38 * 2; // 4e38: finite here, Math.fround(4e38) === Infinity
    const table: Table = { rowCount: n, columns: [numericColumn('x', 'float', Float64Array.from({ length: n }, (_, i) => i), new Uint8Array(n).fill(1)), numericColumn('y', 'float', y, new Uint8Array(n).fill(1))] };
    const e = errorOf(() => prepareTable(table, { target: 'y', steps: [] }, { split: { method: 'random' } }));
    expect(e.code).toBe('invalid-target');
    expect(e.message).toMatch(/^Target column "y" has values beyond 32-bit floats, ±3\.4e38 \(1 in (train|validation|test)\)/);
    expect(errorOf(() => toDataset(table, 'y')).code).toBe('invalid-target'); // the matrix builder agrees
  });
});

describe('prepareSplits (the splits handed on one at a time)', () => {
  const cellsOf = (t: Table) => JSON.stringify(t.columns.map((c) => [c.name, Array.from(c.kind === 'numeric' ? c.values : c.codes), Array.from(c.valid)]));

  it('hands on exactly the tables prepareTable makes, train first, with the same report', async () => {
    const whole = prepareTable(penguins(), recipe, { split: { seed: 42 } });
    const order: string[] = [];
    const out = await prepareSplits(penguins(), recipe, { split: { seed: 42 } }, ({ name, table }) => (order.push(name), cellsOf(table)));
    expect(order).toEqual(['train', 'validation', 'test']);
    for (const name of ['train', 'validation', 'test'] as const) expect(out.outputs[name]).toBe(cellsOf(whole.splits[name]));
    expect(JSON.stringify(out.report)).toBe(JSON.stringify(whole.report));
    expect(out.fitted).toEqual(whole.fitted);
  });

  it('with releaseSource gives the same splits and report, and leaves the source table empty (it was the caller\'s to give)', async () => {
    const whole = prepareTable(penguins(), recipe, { split: { seed: 42 } });
    const source = penguins();
    const out = await prepareSplits(source, recipe, { split: { seed: 42 }, releaseSource: true }, ({ table }) => cellsOf(table));
    for (const name of ['train', 'validation', 'test'] as const) expect(out.outputs[name]).toBe(cellsOf(whole.splits[name]));
    expect(JSON.stringify(out.report)).toBe(JSON.stringify(whole.report));
    expect(source.columns.every((c) => c.valid.length === 0)).toBe(true);
  });

  it("says what prepareTable says of splits no model could use, even when consume failed first in its own words", async () => {
    const steps = { target: 'Species', steps: [{ kind: 'scale', columns: ['Body Mass (g)'], method: 'minmax' }] };
    const expected = errorOf(() => prepareTable(penguins(), steps, { split: { seed: 42 } }));
    const consumed: string[] = [];
    let thrown: unknown;
    try {
      await prepareSplits(penguins(), steps, { split: { seed: 42 } }, ({ name, table }) => {
        consumed.push(name);
        return toDataset(table, 'Species'); // the matrix builder refuses the text column first
      });
    } catch (e) {
      thrown = e;
    }
    expect(consumed).toEqual(['train']); // nothing more is consumed after a failure
    expect((thrown as Error).message).toBe(expected.message);
  });
});

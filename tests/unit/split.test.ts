import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../../src/lib/core/infer.ts';
import { seeded } from '../../src/lib/core/random.ts';
import { allocate } from '../../src/lib/core/split/allocate.ts';
import { splitTable, splitTables, type SplitOptions, type SplitResult } from '../../src/lib/core/split.ts';
import { column, type Table } from '../../src/lib/core/table.ts';
import { errorOf } from './errors.ts';
import { columnsOf, penguinsTable, tableOf } from './tables.ts';


const penguins = penguinsTable();
const SPLITS = ['train', 'validation', 'test'] as const;

/** Texts of a column, row by row. */
function labels(t: Table, name: string): (string | null)[] {
  const c = column(t, name)!;
  return Array.from({ length: t.rowCount }, (_, r) => (!c.valid[r] ? null : c.kind === 'string' ? c.dictionary[c.codes[r]] : String(c.values[r])));
}

function expectPartition(res: SplitResult, n: number): void {
  const seen = new Uint8Array(n);
  for (const s of SPLITS) {
    const idx = res.indices[s];
    for (let i = 0; i < idx.length; i++) {
      if (i > 0) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
      expect(seen[idx[i]]).toBe(0);
      seen[idx[i]] = 1;
    }
    expect(res.summary.sizes[s]).toBe(idx.length);
  }
  expect(seen.every((x) => x === 1)).toBe(true);
}

/** Every class's count in every split is within one row of fraction · class size (strictly: |count − exact| < 1). */
function expectStratified(res: SplitResult, classOf: (string | null)[], fractions: readonly number[]): void {
  const sizes = new Map<string, number>();
  for (const c of classOf) if (c !== null) sizes.set(c, (sizes.get(c) ?? 0) + 1); // a row without a class is in no split
  SPLITS.forEach((s, k) => {
    const got = new Map<string, number>();
    for (const r of res.indices[s]) got.set(classOf[r]!, (got.get(classOf[r]!) ?? 0) + 1);
    for (const [c, n] of sizes) expect(Math.abs((got.get(c) ?? 0) - fractions[k] * n)).toBeLessThan(1);
  });
}

describe('splitTable (random)', () => {
  it('partitions the rows, each split ascending, sizes within one row of the fractions', () => {
    const t = columnsOf({ x: Array.from({ length: 1003 }, (_, i) => i * 0.5) });
    const res = splitTable(t, { method: 'random', fractions: [0.7, 0.2, 0.1] });
    expectPartition(res, 1003);
    SPLITS.forEach((s, k) => expect(Math.abs(res.summary.sizes[s] - [0.7, 0.2, 0.1][k] * 1003)).toBeLessThan(1));
    expect(res.summary).toMatchObject({ method: 'random', seed: 42, fractions: [0.7, 0.2, 0.1], rowCount: 1003 });
  });

  it('gives the same split for the same seed and a different one for another seed', () => {
    const t = columnsOf({ x: Array.from({ length: 200 }, (_, i) => i) });
    const a = splitTable(t, { seed: 7 }), b = splitTable(t, { seed: 7 }), c = splitTable(t, { seed: 8 });
    expect([...a.indices.train]).toEqual([...b.indices.train]);
    expect([...a.indices.test]).toEqual([...b.indices.test]);
    expect([...a.indices.train]).not.toEqual([...c.indices.train]);
  });

  it('defaults to 60/20/20 and seed 42, and allows an empty validation or test split', () => {
    const t = columnsOf({ x: Array.from({ length: 10 }, (_, i) => i) });
    expect(splitTable(t).summary.sizes).toEqual({ train: 6, validation: 2, test: 2 });
    expect(splitTable(t, { fractions: [0.8, 0, 0.2] }).summary.sizes).toEqual({ train: 8, validation: 0, test: 2 });
  });

  it('returns tables for the three splits in original row order', () => {
    const t = columnsOf({ x: Array.from({ length: 20 }, (_, i) => i) });
    const res = splitTable(t);
    const parts = splitTables(t, res.indices);
    expect(Array.from((column(parts.test, 'x') as { values: Float64Array }).values)).toEqual([...res.indices.test]);
  });
});

describe('splitTable (stratified)', () => {
  it('is the default for a categorical target, and keeps every Species share within one row of exact (penguins)', () => {
    for (const seed of [1, 42, 2024]) {
      const res = splitTable(penguins, { target: 'Species', seed });
      expect(res.summary.method).toBe('stratified');
      expectPartition(res, penguins.rowCount);
      expectStratified(res, labels(penguins, 'Species'), [0.6, 0.2, 0.2]);
      // 344 rows at 60/20/20: 206.4 / 68.8 / 68.8 exact.
      SPLITS.forEach((s, k) => expect(Math.abs(res.summary.sizes[s] - [206.4, 68.8, 68.8][k])).toBeLessThan(1));
    }
    const res = splitTable(penguins, { target: 'Species' });
    expect(res.summary.classes!.map((c) => [c.value, c.rows])).toEqual([['Adelie', 152], ['Chinstrap', 68], ['Gentoo', 124]]);
  });

  it('keeps class shares within one row on a skewed 3-class fixture, for many seeds and fractions', () => {
    const y = [...Array(900).fill('common'), ...Array(85).fill('rare'), ...Array(15).fill('very rare')];
    const rng = seeded(5);
    const shuffled = y.map((v) => [rng.next(), v] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    const t = columnsOf({ y: shuffled, x: shuffled.map((_, i) => i) });
    for (const [seed, fractions] of [[1, [0.6, 0.2, 0.2]], [2, [0.7, 0.15, 0.15]], [3, [0.8, 0.1, 0.1]], [4, [0.5, 0.3, 0.2]], [5, [0.34, 0.33, 0.33]]] as const) {
      const res = splitTable(t, { target: 'y', seed, fractions: [...fractions] });
      expectPartition(res, 1000);
      expectStratified(res, shuffled, fractions);
      SPLITS.forEach((s, k) => expect(Math.abs(res.summary.sizes[s] - fractions[k] * 1000)).toBeLessThan(1));
      const rare = res.summary.classes!.find((c) => c.value === 'very rare')!;
      expect(rare.counts.validation).toBeGreaterThan(0);
      expect(rare.counts.test).toBeGreaterThan(0);
    }
  });

  it('allocates by controlled rounding: class rows and split totals both within one row of exact', () => {
    const rng = seeded(11);
    for (let trial = 0; trial < 300; trial++) {
      const k = 1 + rng.int(12);
      const sizes = Array.from({ length: k }, () => 3 + rng.int(200));
      const a = 0.2 + 0.6 * rng.next(), b = (1 - a) * rng.next();
      const fractions = [a, b, 1 - a - b];
      const { counts, tooSmall } = allocate(sizes, fractions);
      if (tooSmall.length) continue;
      counts.forEach((row, c) => {
        expect(row.reduce((x, y) => x + y, 0)).toBe(sizes[c]);
        row.forEach((v, s) => expect(Math.abs(v - fractions[s] * sizes[c])).toBeLessThan(1));
      });
      const allAtLeastOne = sizes.every((n) => fractions.every((f) => f * n >= 1));
      if (allAtLeastOne) {
        const total = sizes.reduce((x, y) => x + y, 0);
        fractions.forEach((f, s) => expect(Math.abs(counts.reduce((x, row) => x + row[s], 0) - f * total)).toBeLessThan(1));
      }
    }
  });

  it('keeps split sizes within one row where per-class rounding alone would drift (20 classes of 7 rows)', () => {
    // Each class: 4.2 / 1.4 / 1.4 exact. Rounding each class on its own would hand all 20 spare rows to one split.
    const y = Array.from({ length: 140 }, (_, i) => `c${i % 20}`);
    const res = splitTable(columnsOf({ y }), { target: 'y' });
    expect(res.summary.sizes).toEqual({ train: 84, validation: 28, test: 28 });
    expectStratified(res, y, [0.6, 0.2, 0.2]);
  });

  it('is the default for boolean and small-integer targets, not for float targets', () => {
    const n = 100;
    const t = columnsOf({
      b: Array.from({ length: n }, (_, i) => i % 3 === 0),
      k: Array.from({ length: n }, (_, i) => i % 4),
      f: Array.from({ length: n }, (_, i) => i / 7),
      wide: Array.from({ length: n }, (_, i) => i % 25),
    });
    expect(splitTable(t, { target: 'b' }).summary.method).toBe('stratified');
    expect(splitTable(t, { target: 'k' }).summary.method).toBe('stratified');
    expect(splitTable(t, { target: 'f' }).summary.method).toBe('random');
    expect(splitTable(t, { target: 'wide' }).summary.method).toBe('random');
    expect(splitTable(t).summary.method).toBe('random');
    expect(splitTable(t, { target: 'k', method: 'auto' }).summary.method).toBe('stratified');
    expectStratified(splitTable(t, { target: 'k' }), labels(t, 'k'), [0.6, 0.2, 0.2]);
  });

  it('rejects a missing target column, a target without any value, a single class, and a class too small for every split', () => {
    let e = errorOf(() => splitTable(penguins, { target: 'species' }));
    expect(e.code).toBe('invalid-target');
    expect(e.message).toContain('"species"');

    e = errorOf(() => splitTable(columnsOf({ y: [null, null, null], x: [1, 2, 3] }), { target: 'y' }));
    expect(e.code).toBe('invalid-target');
    expect(e.message).toContain('Target column "y" has no values');

    e = errorOf(() => splitTable(columnsOf({ y: Array(30).fill('a') }), { target: 'y', method: 'stratified' }));
    expect(e.code).toBe('invalid-target');
    expect(e.message).toContain('single class ("a")');

    const few = columnsOf({ y: [...Array(50).fill('Adelie'), ...Array(40).fill('Gentoo'), 'Chinstrap', 'Chinstrap'] });
    e = errorOf(() => splitTable(few, { target: 'y' }));
    expect(e.code).toBe('invalid-split');
    expect(e.message).toContain('class "Chinstrap" has 2 rows: too few to appear in all three splits');
    expect(e.detail).toMatchObject({ column: 'y', class: 'Chinstrap', count: 2 });

    // Three rows could fill three splits, but not at 80/10/10 within one row of exact.
    const tight = columnsOf({ y: [...Array(50).fill('a'), 'b', 'b', 'b'] });
    e = errorOf(() => splitTable(tight, { target: 'y', fractions: [0.8, 0.1, 0.1] }));
    expect(e.message).toContain('class "b" has 3 rows: too few to appear in all three splits at 80/10/10%');
    // ... while two splits are fine.
    expect(splitTable(tight, { target: 'y', fractions: [0.6, 0.4, 0] }).summary.classes![1].counts).toMatchObject({ validation: 1, test: 0 });
  });

  it('needs a target', () => {
    expect(errorOf(() => splitTable(penguins, { method: 'stratified' })).code).toBe('invalid-split');
  });
});

describe('splitTable (group)', () => {
  const groups = Array.from({ length: 600 }, (_, i) => `g${(i * 7) % 97}`);
  const t = columnsOf({ patient: groups, x: groups.map((_, i) => i) });

  it('never puts one group in two splits, and lands near the fractions by row count', () => {
    for (const seed of [1, 2, 3]) {
      const res = splitTable(t, { method: 'group', group: 'patient', seed });
      expectPartition(res, 600);
      const home = new Map<string, string>();
      for (const s of SPLITS) for (const r of res.indices[s]) {
        expect(home.get(groups[r]) ?? s).toBe(s);
        home.set(groups[r], s);
      }
      expect(Object.values(res.summary.groups!).reduce((a, b) => a + b, 0)).toBe(97);
      SPLITS.forEach((s, k) => expect(Math.abs(res.summary.sizes[s] - [360, 120, 120][k])).toBeLessThanOrEqual(7));
    }
    expect([...splitTable(t, { method: 'group', group: 'patient', seed: 1 }).indices.test]).not.toEqual([
      ...splitTable(t, { method: 'group', group: 'patient', seed: 2 }).indices.test,
    ]);
  });

  it('rejects a missing group column, missing group values and too few groups', () => {
    expect(errorOf(() => splitTable(t, { method: 'group' })).code).toBe('invalid-split');
    expect(errorOf(() => splitTable(t, { method: 'group', group: 'nope' })).message).toContain('"nope"');
    const gaps = columnsOf({ g: ['a', null, 'b', 'c', 'd', 'e'] });
    expect(errorOf(() => splitTable(gaps, { method: 'group', group: 'g' })).message).toContain('1 missing value');
    const two = columnsOf({ g: ['a', 'a', 'b', 'b'] });
    expect(errorOf(() => splitTable(two, { method: 'group', group: 'g' })).message).toContain('has 2 groups: too few to fill all three splits');
  });
});

describe('splitTable (time)', () => {
  const days = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + ((i * 17) % 50))).toISOString().slice(0, 10));
  const t = columnsOf({ day: days, x: days.map((_, i) => i) });

  it('puts the oldest rows in train and the newest in test', () => {
    const res = splitTable(t, { method: 'time', time: 'day' });
    expectPartition(res, 50);
    const times = (column(t, 'day') as { values: Float64Array }).values;
    const range = (s: (typeof SPLITS)[number]) => [Math.min(...[...res.indices[s]].map((r) => times[r])), Math.max(...[...res.indices[s]].map((r) => times[r]))];
    expect(range('train')[1]).toBeLessThan(range('validation')[0]);
    expect(range('validation')[1]).toBeLessThan(range('test')[0]);
    expect(res.summary.sizes).toEqual({ train: 30, validation: 10, test: 10 });
    expect(res.summary.timeRanges!.train).toEqual({ from: '2024-01-01T00:00:00.000Z', to: '2024-01-30T00:00:00.000Z' });
    // No randomness: the seed does not matter.
    expect([...splitTable(t, { method: 'time', time: 'day', seed: 9 }).indices.train]).toEqual([...res.indices.train]);
  });

  it('rejects missing times and a column that is not a time', () => {
    const gaps = columnsOf({ day: ['2024-01-01', null, '2024-01-03', '2024-01-04', '2024-01-05'] });
    const e = errorOf(() => splitTable(gaps, { method: 'time', time: 'day' }));
    expect(e.code).toBe('invalid-split');
    expect(e.message).toContain('Time column "day" has 1 missing value');
    expect(errorOf(() => splitTable(penguins, { method: 'time', time: 'Species' })).message).toContain('holds categorical values');
    expect(errorOf(() => splitTable(penguins, { method: 'time' })).code).toBe('invalid-split');
  });
});

describe('splitTable (options)', () => {
  it('rejects fractions that are not three non-negative numbers adding up to 1', () => {
    const bad: SplitOptions['fractions'][] = [[0.5, 0.2, 0.2], [1.2, -0.1, -0.1], [0, 0.5, 0.5]];
    for (const fractions of bad) expect(errorOf(() => splitTable(penguins, { fractions })).code).toBe('invalid-split');
    expect(errorOf(() => splitTable(penguins, { fractions: [0.5, 0.2, 0.2] })).message).toContain('add up to 1');
    expect(splitTable(penguins, { fractions: [0.6, 0.2, 0.2 + 1e-10] }).summary.rowCount).toBe(344);
  });

  it('rejects an unknown method and too few rows to fill the splits', () => {
    expect(errorOf(() => splitTable(penguins, { method: 'kfold' as never })).code).toBe('invalid-split');
    expect(errorOf(() => splitTable(columnsOf({ x: [1, 2] }), {})).message).toContain('has 2 rows: too few to fill all three splits');
  });
});

describe('splitTable (rows without a target)', () => {
  /** Row numbers whose value in `name` is present, read from the cells themselves. */
  const present = (t: Table, name: string) => labels(t, name).flatMap((v, r) => (v === null ? [] : [r]));
  const withinOneRow = (sizes: Record<string, number>, n: number, f: number[]) => SPLITS.forEach((s, k) => expect(Math.abs(sizes[s] - f[k] * n)).toBeLessThan(1));

  it('leaves out the rows whose target is missing before the split, counts them, and keeps source row numbers', () => {
    // 120 rows: every 7th (rows 0, 7, …, 119: 18 of them) has no class; 'a' on even rows, 'b' on odd ones.
    const y = Array.from({ length: 120 }, (_, i) => (i % 7 === 0 ? null : i % 2 ? 'b' : 'a'));
    const t = columnsOf({ y, x: y.map((_, i) => i) });
    const res = splitTable(t, { target: 'y', seed: 42 });
    expect(res.summary.method).toBe('stratified');
    expect(res.summary.excluded).toEqual({ missingTarget: 18 });
    expect(res.summary.rowCount).toBe(102);
    const all = SPLITS.flatMap((s) => [...res.indices[s]]).sort((a, b) => a - b);
    expect(all).toEqual(y.flatMap((v, r) => (v === null ? [] : [r]))); // every row with a class, once; none without
    for (const s of SPLITS) for (let i = 1; i < res.indices[s].length; i++) expect(res.indices[s][i]).toBeGreaterThan(res.indices[s][i - 1]);
    // 51 'a' and 51 'b' rows (hand count: 60 even rows less the 9 even multiples of 7; same for odd).
    expect(res.summary.classes!.map((c) => [c.value, c.rows])).toEqual([['b', 51], ['a', 51]]);
    expectStratified({ indices: res.indices, summary: res.summary }, y, [0.6, 0.2, 0.2]);
  });

  it('splits the rows that have a target exactly as it splits a table holding only those rows (same seed, same rows)', () => {
    // penguins.json: 10 rows without a Sex (rows 4, 9, 10, 11, 12, 48, 247, 287, 325, 340 counting from 1).
    const kept = present(penguins, 'Sex');
    expect(kept.length).toBe(334);
    const only = splitTables(penguins, { train: Uint32Array.from(kept), validation: new Uint32Array(0), test: new Uint32Array(0) }).train;
    const a = splitTable(penguins, { target: 'Sex', method: 'random', seed: 7 });
    const b = splitTable(only, { target: 'Sex', method: 'random', seed: 7 });
    expect(a.summary.excluded).toEqual({ missingTarget: 10 });
    expect(b.summary.excluded).toBeUndefined(); // nothing to leave out: the summary is as before
    for (const s of SPLITS) expect([...a.indices[s]]).toEqual([...b.indices[s]].map((i) => kept[i]));
  });

  it('leaves out rows without a numeric target (missing or not a finite number) from a random split', () => {
    const y = [1.5, null, 2.5, 3, Number.NaN, 4, 5, 6, 7, 8, 9, 10.5];
    const t = columnsOf({ y, x: y.map((_, i) => i) });
    const res = splitTable(t, { target: 'y', method: 'random', fractions: [0.5, 0.25, 0.25] });
    expect(res.summary.excluded).toEqual({ missingTarget: 2 });
    expect(SPLITS.flatMap((s) => [...res.indices[s]]).sort((a, b) => a - b)).toEqual([0, 2, 3, 5, 6, 7, 8, 9, 10, 11]);
    withinOneRow(res.summary.sizes, 10, [0.5, 0.25, 0.25]);
  });

  it('leaves them out of a group split (groups stay whole) and of a time split (oldest rows still train)', () => {
    const n = 300;
    const g = Array.from({ length: n }, (_, i) => `g${(i * 7) % 31}`);
    const y = Array.from({ length: n }, (_, i) => (i % 9 === 4 ? null : i % 2 ? 'a' : 'b'));
    const grouped = splitTable(columnsOf({ g, y }), { method: 'group', group: 'g', target: 'y', seed: 3 });
    expect(grouped.summary.excluded).toEqual({ missingTarget: 33 }); // rows 4, 13, …, 292
    expect(SPLITS.reduce((sum, s) => sum + grouped.indices[s].length, 0)).toBe(267);
    const home = new Map<string, string>();
    for (const s of SPLITS) for (const r of grouped.indices[s]) {
      expect(y[r]).not.toBeNull();
      expect(home.get(g[r]) ?? s).toBe(s);
      home.set(g[r], s);
    }

    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + ((i * 17) % 60))).toISOString().slice(0, 10));
    const v = days.map((_, i) => (i % 5 === 0 ? null : i));
    const t = columnsOf({ day: days, v });
    const timed = splitTable(t, { method: 'time', time: 'day', target: 'v' });
    expect(timed.summary.excluded).toEqual({ missingTarget: 12 });
    withinOneRow(timed.summary.sizes, 48, [0.6, 0.2, 0.2]);
    const times = (column(t, 'day') as { values: Float64Array }).values;
    const at = (s: (typeof SPLITS)[number]) => [...timed.indices[s]].map((r) => times[r]);
    expect(Math.max(...at('train'))).toBeLessThan(Math.min(...at('validation')));
    expect(Math.max(...at('validation'))).toBeLessThan(Math.min(...at('test')));
    for (const s of SPLITS) for (const r of timed.indices[s]) expect(v[r]).not.toBeNull();
  });
});

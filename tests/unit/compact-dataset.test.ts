/**
 * Compact rows made straight from a prepared split's columns (src/lib/ml/compact-dataset.ts) against the dense matrix
 * toDataset makes and compactRows compacts: the same rows, the same dense columns, and so the same L-BFGS solve bit for
 * bit; X made only when read; predictions from the rows equal predictions from X.
 */
import { describe, expect, it } from 'vitest';
import { indicatorBits, indicatorColumn } from '../../src/lib/core/indicator-column.ts';
import { seeded } from '../../src/lib/core/random.ts';
import type { Table } from '../../src/lib/core/table.ts';
import { numericColumn, stringColumn } from '../../src/lib/core/table-ops.ts';
import { densify, toCompactDataset } from '../../src/lib/ml/compact-dataset.ts';
import { toDataset } from '../../src/lib/ml/matrix.ts';
import { fitLogisticLbfgs } from '../../src/lib/ml/models/logistic-lbfgs.ts';
import { flatten, type NetworkModel } from '../../src/lib/ml/models/network.ts';
import { scoreModel } from '../../src/lib/ml/models/score.ts';
import { parseSpec } from '../../src/lib/ml/models/spec.ts';
import { compactRows } from '../../src/lib/ml/solvers/compact-rows.ts';
import { errorOf } from './errors.ts';

/**
 * n rows: two numeric columns, a mostly-zero numeric column (kept sparse), a one-hot block of 5 levels as bit columns,
 * a 0/1 column set in most rows (bits, but dense), and a yes/no target that follows them with noise.
 */
function table(n: number, seed: number): Table {
  const rng = seeded(seed);
  const a = new Float64Array(n), b = new Float64Array(n), rare = new Float64Array(n);
  const level = Array.from({ length: 5 }, () => new Uint8Array(Math.ceil(n / 8)));
  const often = new Uint8Array(Math.ceil(n / 8));
  const label: string[] = [];
  for (let i = 0; i < n; i++) {
    a[i] = rng.normal();
    b[i] = rng.normal() * 2;
    rare[i] = rng.next() < 0.1 ? rng.normal() : 0;
    const l = Math.floor(rng.next() * 5);
    level[l][i >> 3] |= 1 << (i & 7);
    const o = rng.next() < 0.8;
    if (o) often[i >> 3] |= 1 << (i & 7);
    label.push(a[i] - 0.5 * b[i] + rare[i] + (l - 2) * 0.7 + (o ? 0.3 : -0.3) + rng.normal() * 0.5 > 0 ? 'yes' : 'no');
  }
  const valid = new Uint8Array(n).fill(1);
  return {
    rowCount: n,
    columns: [
      numericColumn('a', 'float', a),
      numericColumn('rare', 'float', rare),
      ...level.map((bits, l) => indicatorColumn(`level=${l}`, bits, valid, n)),
      numericColumn('b', 'float', b),
      indicatorColumn('often', often, valid, n),
      stringColumn('label', 'categorical', label),
    ],
  };
}

const spec = parseSpec({ algorithm: 'logistic', hyperparameters: { optimizer: 'lbfgs', epochs: 200 } }) as Extract<ReturnType<typeof parseSpec>, { algorithm: 'logistic' }>;

describe('compact rows straight from a split', () => {
  const train = table(4_000, 1), validation = table(1_500, 2);

  it('are the rows compactRows makes of the dense matrix: same dense columns, entries, values, target and shape', () => {
    const dense = toDataset(train, 'label');
    const c = toCompactDataset(train, 'label');
    expect(c.shape).toEqual(dense.shape);
    expect(c.y).toEqual(dense.y);
    const ref = compactRows(dense);
    // a, b and often (80% ones) dense; rare (10%) and the levels (about 20% each) sparse
    expect([...c.compact!.denseColumns].map((j) => c.shape.features[j])).toEqual(['a', 'b', 'often']);
    expect(c.compact!.denseColumns).toEqual(ref.denseColumns);
    expect(c.compact!.dense).toEqual(ref.dense);
    expect(c.compact!.rowStart).toEqual(ref.rowStart);
    expect(c.compact!.sparseColumn).toEqual(ref.sparseColumn);
    expect(c.compact!.sparseValue).toEqual(ref.sparseValue);
    expect(densify(c.compact!)).toEqual(dense.X);
    expect(c.X).toEqual(dense.X);
  });

  it('are those rows too for a row count that is no multiple of 32, and bits that start off a 4-byte boundary', () => {
    for (const n of [4_001, 37, 31]) {
      const t = table(n, 3);
      // Each bit column moved to a buffer where it starts one byte in (as a view into a larger array may).
      const shifted = t.columns.map((c) => {
        const bits = indicatorBits(c);
        if (!bits) return c;
        const moved = new Uint8Array(bits.length + 1).subarray(1);
        moved.set(bits);
        return indicatorColumn(c.name, moved, c.valid, n);
      });
      for (const cols of [t.columns, shifted]) {
        const c = toCompactDataset({ rowCount: n, columns: cols }, 'label').compact!;
        const ref = compactRows(toDataset(t, 'label'));
        expect(c.rowStart, `${n}`).toEqual(ref.rowStart);
        expect(c.sparseColumn, `${n}`).toEqual(ref.sparseColumn);
        expect(c.sparseValue, `${n}`).toEqual(ref.sparseValue);
        expect(c.dense, `${n}`).toEqual(ref.dense);
      }
    }
  });

  it('follow the training split: features, classes and dense columns (denseAs)', () => {
    const t = toCompactDataset(train, 'label');
    const v = toCompactDataset(validation, 'label', t.shape, t.compact!.denseColumns);
    expect(v.shape).toEqual(t.shape);
    expect(v.compact!.denseColumns).toBe(t.compact!.denseColumns);
    expect(v.X).toEqual(toDataset(validation, 'label', t.shape).X);
  });

  it('choose dense columns as compactLayout does at the threshold (a quarter of the rows non-zero, and one more)', () => {
    const n = 4_000;
    const atQuarter = new Float64Array(n), pastQuarter = new Float64Array(n), late = new Float64Array(n);
    for (let i = 0; i < n / 4; i++) atQuarter[n - 1 - 2 * i] = i + 1; // n/4 non-zeros, the last near the end: sparse
    for (let i = 0; i <= n / 4; i++) pastQuarter[2 * i] = -(i + 1); // n/4 + 1: dense
    for (let i = 0; i < n / 5; i++) late[n - 1 - i] = 0.5; // all in the last rows: sparse
    const t: Table = { rowCount: n, columns: [...train.columns.filter((c) => c.name !== 'rare'), numericColumn('atQuarter', 'float', atQuarter), numericColumn('pastQuarter', 'float', pastQuarter), numericColumn('late', 'float', late)] };
    const c = toCompactDataset(t, 'label');
    const ref = compactRows(toDataset(t, 'label'));
    expect([...c.compact!.denseColumns].map((j) => c.shape.features[j])).toEqual(['a', 'b', 'often', 'pastQuarter']);
    expect(c.compact!.denseColumns).toEqual(ref.denseColumns);
    expect(c.compact!.rowStart).toEqual(ref.rowStart);
    expect(c.compact!.sparseColumn).toEqual(ref.sparseColumn);
    expect(c.compact!.sparseValue).toEqual(ref.sparseValue);
    // Validation with the training split's dense columns, where a sparse one of them is dense here: still exact.
    const v: Table = { ...t, columns: t.columns.map((col) => (col.name === 'late' ? numericColumn('late', 'float', new Float64Array(n).fill(2)) : col)) };
    const cv = toCompactDataset(v, 'label', c.shape, c.compact!.denseColumns);
    const refV = compactRows(toDataset(v, 'label', c.shape), c.compact!);
    expect(cv.compact!.rowStart).toEqual(refV.rowStart);
    expect(cv.compact!.sparseColumn).toEqual(refV.sparseColumn);
    expect(cv.compact!.sparseValue).toEqual(refV.sparseValue);
    expect(cv.compact!.dense).toEqual(refV.dense);
  });

  it('refuse what toDataset refuses, in its words (a text feature)', () => {
    const bad: Table = { ...train, columns: [...train.columns, stringColumn('note', 'text', Array.from({ length: train.rowCount }, (_, i) => `n${i}`))] };
    expect(errorOf(() => toCompactDataset(bad, 'label')).message).toBe(errorOf(() => toDataset(bad, 'label')).message);
  });

  it('give the same L-BFGS solve as the dense matrix, bit for bit, without making X', async () => {
    const t = toCompactDataset(train, 'label');
    const v = toCompactDataset(validation, 'label', t.shape, t.compact!.denseColumns);
    let reads = 0;
    const watched = (d: typeof t) => Object.defineProperty({ ...d, compact: d.compact }, 'X', { get: () => (reads++, d.X) }) as typeof t;
    const fromRows = await fitLogisticLbfgs(spec, watched(t), 42, { validation: watched(v) });
    const dense = await fitLogisticLbfgs(spec, toDataset(train, 'label'), 42, { validation: toDataset(validation, 'label', t.shape) });
    expect(reads).toBe(0);
    expect(fromRows.history).toEqual(dense.history);
    expect(flatten((fromRows.model as NetworkModel).values)).toEqual(flatten((dense.model as NetworkModel).values));
    // scored from the rows (predictRows) as from X
    const s1 = await scoreModel(fromRows.model, watched(v));
    expect(reads).toBe(0);
    const s2 = await scoreModel(dense.model, toDataset(validation, 'label', t.shape));
    expect((s1 as { accuracy: number }).accuracy).toBe((s2 as { accuracy: number }).accuracy);
    expect((s1 as { logLoss: number }).logLoss).toBeCloseTo((s2 as { logLoss: number }).logLoss, 6);
    fromRows.model.dispose();
    dense.model.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { compactRows, SPARSE_SHARE } from '../../src/lib/ml/solvers/compact-rows.ts';

/** The dense matrix back from the compact layout, written independently of compactRows' loops. */
function densify(c: ReturnType<typeof compactRows>): Float32Array {
  const X = new Float32Array(c.n * c.d);
  c.denseColumns.forEach((j, jj) => {
    for (let i = 0; i < c.n; i++) X[i * c.d + j] = c.dense[i * c.denseColumns.length + jj];
  });
  for (let i = 0; i < c.n; i++) for (let p = c.rowStart[i]; p < c.rowStart[i + 1]; p++) X[i * c.d + c.sparseColumn[p]] = c.sparseValue[p];
  return X;
}

describe('compactRows', () => {
  // 6 rows × 5 columns: a numeric column, a one-hot block of 3 levels (one 1 per row), and a column that is mostly set.
  const X = Float32Array.from([
    0.5, 1, 0, 0, 2,
    -1, 0, 1, 0, 2,
    2.5, 0, 0, 1, 0,
    0, 1, 0, 0, 3,
    NaN, 0, 1, 0, 2,
    7, 0, 0, 1, 2,
  ]);
  const m = { X, n: 6, d: 5 };

  it('keeps columns with more than a quarter non-zeros dense, and the others as (column, value) entries per row', () => {
    const c = compactRows(m);
    // column 0: 5 of 6 non-zero (NaN counts as non-zero); 1..3: 2 of 6 (0.33 > 0.25) … so all dense at this size
    expect(SPARSE_SHARE).toBe(0.25);
    expect(Array.from(c.denseColumns)).toEqual([0, 1, 2, 3, 4]);
    const wide = { X: new Float32Array(8 * 10), n: 8, d: 10 };
    for (let i = 0; i < 8; i++) (wide.X[i * 10] = i + 1), (wide.X[i * 10 + 1 + (i % 8)] = 1); // 8 one-hot levels, 1 row each
    const cw = compactRows(wide);
    expect(Array.from(cw.denseColumns)).toEqual([0]);
    expect(Array.from(cw.rowStart)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(cw.sparseColumn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(densify(cw)).toEqual(wide.X);
  });

  it('holds every cell of the matrix, NaN included', () => {
    const back = densify(compactRows(m));
    expect(Array.from(back).map(String)).toEqual(Array.from(X).map(String));
  });

  it('lays out another matrix with the columns chosen for the first (validation beside training)', () => {
    const wide = { X: new Float32Array(8 * 10), n: 8, d: 10 };
    for (let i = 0; i < 8; i++) (wide.X[i * 10] = i + 1), (wide.X[i * 10 + 1 + (i % 8)] = 1);
    const train = compactRows(wide);
    // Here column 1 is set in every row: on its own it would be dense, but it follows the training layout.
    const other = { X: new Float32Array(3 * 10), n: 3, d: 10 };
    for (let i = 0; i < 3; i++) (other.X[i * 10] = -i), (other.X[i * 10 + 1] = 1);
    const c = compactRows(other, train);
    expect(Array.from(c.denseColumns)).toEqual([0]);
    expect(Array.from(c.sparseColumn)).toEqual([1, 1, 1]);
    expect(densify(c)).toEqual(other.X);
  });
});

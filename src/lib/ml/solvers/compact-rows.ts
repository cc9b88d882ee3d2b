/**
 * A row-major matrix split into its dense columns and its mostly-zero ones, so that a full-batch solver touches only
 * the non-zeros: a one-hot block of 40 levels is 40 columns of the dense matrix but one entry per row here. This is
 * the layout scikit-learn's ColumnTransformer hands lbfgs (a sparse CSR matrix) for the same tables; products over it
 * give the same sums as over the dense matrix, in a different order (float64 accumulation, so within rounding).
 * Laid out in two steps (which columns, how many entries; then the copy) so the arrays can live in WebAssembly memory.
 */
import type { Matrix } from '../matrix.ts';

export interface CompactRows {
  n: number;
  /** Width of the original matrix. */
  d: number;
  /** Original indices of the dense columns, ascending. */
  denseColumns: Int32Array;
  /** n × denseColumns.length, row-major. */
  dense: Float32Array;
  /** Row i's sparse entries are [rowStart[i], rowStart[i + 1]) of sparseColumn / sparseValue. */
  rowStart: Int32Array;
  /** Original column index of each sparse entry. */
  sparseColumn: Int32Array;
  sparseValue: Float32Array;
}

/** What the copy needs: the dense columns and the number of sparse entries. */
export interface CompactLayout {
  n: number;
  d: number;
  denseColumns: Int32Array;
  nonZeros: number;
}

/** Where compactInto writes (each array exactly its size: dense n × dense columns, rowStart n + 1, entries nonZeros). */
export type CompactArrays = Pick<CompactRows, 'dense' | 'rowStart' | 'sparseColumn' | 'sparseValue'>;

/** A column whose share of non-zeros is at most this is kept sparse (a one-hot level, a rare flag). */
export const SPARSE_SHARE = 0.25;

/** Non-zeros of each column of X (NaN counts as one). */
export function columnNonZeros({ X, n, d }: Matrix): Float64Array {
  const nonZero = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) if (X[row + j] !== 0) nonZero[j]++;
  }
  return nonZero;
}

/** The columns kept dense: those with more than SPARSE_SHARE non-zeros over n rows. */
export function denseColumnsOf(nonZero: Float64Array, n: number): Int32Array {
  return Int32Array.from(Array.from(nonZero.keys()).filter((j) => nonZero[j] > SPARSE_SHARE * n));
}

/** The layout of n rows whose column non-zeros are `nonZero`, with these dense columns. */
export function layoutOf(n: number, nonZero: Float64Array, denseColumns: Int32Array): CompactLayout {
  const d = nonZero.length;
  const isDense = new Uint8Array(d);
  for (const j of denseColumns) isDense[j] = 1;
  let nonZeros = 0;
  for (let j = 0; j < d; j++) if (!isDense[j]) nonZeros += nonZero[j];
  return { n, d, denseColumns, nonZeros };
}

/** The layout of X; `sparseAs` reuses another matrix's choice of columns (validation beside training). */
export function compactLayout(m: Matrix, sparseAs?: Pick<CompactLayout, 'denseColumns'>): CompactLayout {
  // One pass counts each column's non-zeros: they choose the dense columns and, summed over the others, size the entries.
  const nonZero = columnNonZeros(m);
  return layoutOf(m.n, nonZero, sparseAs?.denseColumns ?? denseColumnsOf(nonZero, m.n));
}

/** The same sizes a layout's arrays take. */
export function compactSizes(l: CompactLayout): { dense: number; rowStart: number; entries: number } {
  return { dense: l.n * l.denseColumns.length, rowStart: l.n + 1, entries: l.nonZeros };
}

/** Copies X into the arrays of its layout. */
export function compactInto({ X }: Matrix, layout: CompactLayout, out: CompactArrays): CompactRows {
  const { n, d, denseColumns } = layout;
  const isDense = new Uint8Array(d);
  for (const j of denseColumns) isDense[j] = 1;
  const { dense, rowStart, sparseColumn, sparseValue } = out;
  rowStart[0] = 0;
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const x = X[row + j];
      if (isDense[j]) dense[q++] = x;
      else if (x !== 0) (sparseColumn[p] = j), (sparseValue[p++] = x);
    }
    rowStart[i + 1] = p;
  }
  return { n, d, denseColumns, ...out };
}

/**
 * Rows [r0, r1) of compact rows as arrays of their own (copies: they can be moved to another thread), and the layout
 * they fill.
 */
export function sliceRows(c: CompactRows, r0: number, r1: number): CompactRows {
  const dd = c.denseColumns.length;
  const p0 = c.rowStart[r0], p1 = c.rowStart[r1];
  const rowStart = new Int32Array(r1 - r0 + 1);
  for (let i = r0; i <= r1; i++) rowStart[i - r0] = c.rowStart[i] - p0;
  return {
    n: r1 - r0, d: c.d, denseColumns: c.denseColumns, dense: c.dense.slice(r0 * dd, r1 * dd), rowStart,
    sparseColumn: c.sparseColumn.slice(p0, p1), sparseValue: c.sparseValue.slice(p0, p1),
  };
}

/** The compact layout of X in fresh arrays; `sparseAs` reuses another matrix's choice of columns. */
export function compactRows(m: Matrix, sparseAs?: Pick<CompactLayout, 'denseColumns'>): CompactRows {
  const layout = compactLayout(m, sparseAs);
  const size = compactSizes(layout);
  return compactInto(m, layout, {
    dense: new Float32Array(size.dense),
    rowStart: new Int32Array(size.rowStart),
    sparseColumn: new Int32Array(size.entries),
    sparseValue: new Float32Array(size.entries),
  });
}

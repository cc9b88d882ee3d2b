/**
 * A row-major matrix split into its dense columns and its mostly-zero ones, so that a full-batch solver touches only
 * the non-zeros: a one-hot block of 40 levels is 40 columns of the dense matrix but one entry per row here. This is
 * the layout scikit-learn's ColumnTransformer hands lbfgs (a sparse CSR matrix) for the same tables; products over it
 * give the same sums as over the dense matrix, in a different order (float64 accumulation, so within rounding).
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

/** A column whose share of non-zeros is at most this is kept sparse (a one-hot level, a rare flag). */
export const SPARSE_SHARE = 0.25;

/** The compact layout of X; `sparseAs` reuses another matrix's choice of columns (validation beside training). */
export function compactRows({ X, n, d }: Matrix, sparseAs?: CompactRows): CompactRows {
  let isDense: Uint8Array;
  if (sparseAs) {
    isDense = new Uint8Array(d);
    for (const j of sparseAs.denseColumns) isDense[j] = 1;
  } else {
    const nonZero = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let j = 0; j < d; j++) if (X[row + j] !== 0) nonZero[j]++;
    }
    isDense = Uint8Array.from(nonZero, (c) => (c > SPARSE_SHARE * n ? 1 : 0));
  }
  const denseColumns = Int32Array.from(
    Array.from(isDense.keys()).filter((j) => isDense[j]),
  );
  const dd = denseColumns.length;
  const dense = new Float32Array(n * dd);
  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) if (!isDense[j] && X[row + j] !== 0) nnz++;
  }
  const sparseColumn = new Int32Array(nnz);
  const sparseValue = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let q = i * dd;
    for (let j = 0; j < d; j++) {
      const x = X[row + j];
      if (isDense[j]) dense[q++] = x;
      else if (x !== 0) (sparseColumn[p] = j), (sparseValue[p++] = x);
    }
    rowStart[i + 1] = p;
  }
  return { n, d, denseColumns, dense, rowStart, sparseColumn, sparseValue };
}

/**
 * A prepared split as compact rows (solvers/compact-rows.ts) made straight from its columns, for logistic regression
 * by L-BFGS: dense columns side by side, and each row's non-zeros of the mostly-zero ones (one-hot indicators, read
 * from their bits). At 3,000,000 rows × 136 features (16 numeric, 120 one-hot) that is 0.3 GB where the dense float32
 * matrix is 1.6 GB, and no pass over a dense matrix is needed to find the non-zeros. The Dataset's X is made from these
 * rows only if something reads it (another algorithm, an analysis), so every consumer of a Dataset still works.
 *
 * The same checks, target coding and feature order as toDataset; the same columns dense as compactLayout would choose.
 */
import { countOnes, indicatorBits } from '../core/indicator-column.ts';
import type { NumericColumn, Table } from '../core/table.ts';
import { featureColumns, matrixArray, targetVector, type Dataset, type DataShape } from './matrix.ts';
import { finiteMatrices } from './non-finite.ts';
import { denseColumnsOf, SPARSE_SHARE, type CompactRows } from './solvers/compact-rows.ts';

/**
 * X and y of a prepared split as compact rows. `shape` (from the training split) fixes features and classes for the
 * others; `denseAs` (the training split's compact.denseColumns) makes their dense columns the same.
 */
export function toCompactDataset(table: Table, target: string, shape?: DataShape, denseAs?: Int32Array): Dataset {
  const t = targetVector(table, target, shape);
  const cols = featureColumns(table, target, shape?.features);
  const n = table.rowCount;
  const d = cols.length;
  const bits = cols.map((c) => indicatorBits(c));
  const values = cols.map((c, j) => (bits[j] ? null : (c as NumericColumn).values));
  // Non-zeros decide which columns are dense and size the sparse entries, so only a sparse column needs its exact
  // count: a column the training split made dense (denseAs) is not counted, and otherwise counting stops once a
  // column is past SPARSE_SHARE (a standardised column is: three quarters of its pass saved).
  const nonZero = new Float64Array(d);
  const denseBy = denseAs ? new Uint8Array(d) : null;
  if (denseAs) for (const j of denseAs) denseBy![j] = 1;
  const enough = Math.floor(SPARSE_SHARE * n) + 1;
  for (let j = 0; j < d; j++) {
    const v = values[j];
    if (denseBy?.[j]) continue;
    if (!v) nonZero[j] = countOnes(bits[j]!, n);
    else {
      let c = 0;
      for (let i = 0; i < n && (denseBy || c < enough); i++) if (v[i] !== 0) c++;
      nonZero[j] = c;
    }
  }
  const denseColumns = denseAs ?? denseColumnsOf(nonZero, n);
  const compact = compactOf(n, d, denseColumns, bits, values, nonZero);
  finiteMatrices.add(compact.dense); // every column passed featureProblem: no missing cell, nothing beyond float32
  const features = cols.map((c) => c.name);
  let X: Float32Array | undefined;
  return {
    n,
    d,
    y: t.y,
    shape: { task: t.task, features, ...(t.classNames ? { classNames: t.classNames } : {}) },
    compact,
    get X() {
      return (X ??= densify(compact));
    },
  };
}

type Bits = Uint8Array | undefined;

function compactOf(n: number, d: number, denseColumns: Int32Array, bits: Bits[], values: (Float64Array | null)[], nonZero: Float64Array): CompactRows {
  const dd = denseColumns.length;
  const isDense = new Uint8Array(d);
  for (const j of denseColumns) isDense[j] = 1;
  // Dense block, row blocks across its columns (a column alone would stride dd floats per value).
  const dense = new Float32Array(n * dd);
  for (let b = 0; b < n; b += 2048) {
    const e = Math.min(n, b + 2048);
    for (let jj = 0; jj < dd; jj++) {
      const j = denseColumns[jj];
      const v = values[j];
      if (v) for (let i = b, o = b * dd + jj; i < e; i++, o += dd) dense[o] = v[i];
      else {
        const w = bits[j]!;
        for (let i = b, o = b * dd + jj; i < e; i++, o += dd) dense[o] = (w[i >> 3] >> (i & 7)) & 1;
      }
    }
  }
  // Sparse entries, row-major, in column order within a row, in one pass over 32 rows at a time: each row's entries
  // are gathered across every sparse column (a 32-bit word of each indicator's bits), then written after the last
  // row's. (Column by column, each count and each write went to another row's place — a cache line each: at 1.2M
  // rows × 120 indicators that was most of the time.)
  const sparse: number[] = [];
  for (let j = 0; j < d; j++) if (!isDense[j]) sparse.push(j);
  let entries = 0;
  for (const j of sparse) entries += nonZero[j];
  const m = sparse.length;
  const words = sparse.map((j) => (bits[j] ? wordsOf(bits[j]!) : null));
  const sparseValues = sparse.map((j) => values[j]);
  const rowStart = new Int32Array(n + 1);
  const sparseColumn = new Int32Array(entries);
  const sparseValue = new Float32Array(entries);
  // A block's entries by row: row k's are at [k·m, k·m + count[k]).
  const blockColumn = new Int32Array(32 * m);
  const blockValue = new Float32Array(32 * m);
  const count = new Int32Array(32);
  let p = 0;
  for (let b = 0, word = 0; b < n; b += 32, word++) {
    const rows = Math.min(32, n - b);
    const inBlock = rows === 32 ? -1 : (1 << rows) - 1;
    count.fill(0);
    for (let q = 0; q < m; q++) {
      const j = sparse[q];
      const w = words[q];
      if (w) {
        for (let x = w(word) & inBlock; x !== 0; x &= x - 1) {
          const k = 31 - Math.clz32(x & -x);
          const at = k * m + count[k]++;
          blockColumn[at] = j;
          blockValue[at] = 1;
        }
      } else {
        const v = sparseValues[q]!;
        for (let k = 0; k < rows; k++) {
          const x = v[b + k];
          if (x === 0) continue;
          const at = k * m + count[k]++;
          blockColumn[at] = j;
          blockValue[at] = x;
        }
      }
    }
    for (let k = 0; k < rows; k++) {
      for (let e = k * m, end = e + count[k]; e < end; e++, p++) {
        sparseColumn[p] = blockColumn[e];
        sparseValue[p] = blockValue[e];
      }
      rowStart[b + k + 1] = p;
    }
  }
  return { n, d, denseColumns, dense, rowStart, sparseColumn, sparseValue };
}

/** Word k of a bit column (rows 32k … 32k + 31, row 32k in the lowest bit); past the end, 0. */
function wordsOf(w: Uint8Array): (k: number) => number {
  if (LITTLE_ENDIAN && w.byteOffset % 4 === 0) {
    const whole = w.byteLength >> 2;
    const u32 = new Uint32Array(w.buffer, w.byteOffset, whole);
    const tail = (k: number) => byteWord(w, k);
    return (k) => (k < whole ? u32[k] | 0 : tail(k));
  }
  return (k) => byteWord(w, k);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function byteWord(w: Uint8Array, k: number): number {
  const i = 4 * k;
  return (w[i] | 0) | ((w[i + 1] | 0) << 8) | ((w[i + 2] | 0) << 16) | ((w[i + 3] | 0) << 24);
}

/** The dense n × d matrix of compact rows. */
export function densify(c: CompactRows): Float32Array {
  const { n, d, denseColumns, dense, rowStart, sparseColumn, sparseValue } = c;
  const dd = denseColumns.length;
  const X = matrixArray(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let jj = 0; jj < dd; jj++) X[row + denseColumns[jj]] = dense[i * dd + jj];
    for (let p = rowStart[i]; p < rowStart[i + 1]; p++) X[row + sparseColumn[p]] = sparseValue[p];
  }
  if (finiteMatrices.has(dense)) finiteMatrices.add(X);
  return X;
}

/**
 * A stored prepared split as a model's Dataset, read one column at a time straight into the matrix. loadTable +
 * toDataset held the chunk buffers, the table they were copied into and the matrix at once — three copies of a split,
 * and at 5,000,000 rows × 136 columns the training split alone is 3.7 GB as a table: the tab ran out loading it
 * (bench/scale, Chromium). Here the peak is the matrix plus one column.
 *
 * The same Dataset as toDataset(await loadTable(…)) — the same target coding, feature order and float32 values. A
 * split that any of toDataset's checks would refuse (a feature that is not a number, a missing cell, a value beyond
 * float32, a missing column) is read whole and handed to toDataset, which says what is wrong in its own words.
 */
import { throwIfAborted } from '../core/errors.ts';
import { featureProblem } from '../core/validate/model-ready.ts';
import { indicatorBits } from '../core/indicator-column.ts';
import type { Column } from '../core/table.ts';
import { toCompactDataset } from '../ml/compact-dataset.ts';
import { targetVector, toDataset, type Dataset, type DataShape } from '../ml/matrix.ts';
import { finiteMatrices } from '../ml/non-finite.ts';
import type { EnclaveDB } from '../store/db.ts';
import { loadColumn, loadColumns, loadTable, versionShape } from '../store/load-table.ts';

export async function loadDataset(db: EnclaveDB, hash: string, target: string, shape?: DataShape, signal?: AbortSignal): Promise<Dataset> {
  const whole = async () => toDataset(await loadTable(db, hash), target, shape);
  const version = await versionShape(db, hash);
  const n = version.rowCount;
  const names = version.columns.map((c) => c.name);
  const features = shape?.features ?? names.filter((name) => name !== target);
  if (features.length === 0 || !names.includes(target) || features.some((f) => !names.includes(f))) return whole();
  const targetColumn = await loadColumn(db, hash, target);
  if (!targetColumn) return whole();
  const t = targetVector({ rowCount: n, columns: [targetColumn] }, target, shape);
  const d = features.length;
  const X = new Float32Array(n * d);
  for (let j0 = 0; j0 < d; j0 += GROUP) {
    throwIfAborted(signal);
    const cols = await loadColumns(db, hash, features.slice(j0, j0 + GROUP));
    const values: (Float64Array | Uint8Array)[] = [];
    for (const col of cols) {
      if (!col || featureProblem(col, n) !== null || col.kind !== 'numeric') return whole();
      // An indicator column (stored as bits) goes into X from its bits.
      values.push(indicatorBits(col) ?? col.values);
    }
    writeColumns(X, n, d, j0, values);
  }
  finiteMatrices.add(X); // every column passed featureProblem, as in featureMatrix
  return { X, n, d, y: t.y, shape: { task: t.task, features: [...features], ...(t.classNames ? { classNames: t.classNames } : {}) } };
}

/**
 * A stored prepared split as compact rows (ml/compact-dataset.ts), for logistic regression by L-BFGS: every column
 * read at once (one-hot indicators as bits), then the dense columns and the non-zeros of the others. At 3,000,000
 * rows × 136 features that is about 0.3 GB, where the dense matrix loadDataset writes is 1.6 GB. `denseAs`: the
 * training split's dense columns, for validation and test.
 */
export async function loadCompactDataset(db: EnclaveDB, hash: string, target: string, shape?: DataShape, denseAs?: Int32Array): Promise<Dataset> {
  const version = await versionShape(db, hash);
  const names = version.columns.map((c) => c.name);
  const columns = await loadColumns(db, hash, names);
  if (columns.some((c) => !c)) return toCompactDataset(await loadTable(db, hash), target, shape, denseAs);
  return toCompactDataset({ rowCount: version.rowCount, columns: columns as Column[] }, target, shape, denseAs);
}

/**
 * Columns read and written together: one version record and one chunk read per group, and each row's cells of the
 * group written side by side (a column alone wrote one float per 544-byte row at 136 features: a cache line each).
 */
const GROUP = 8;

/**
 * Columns into X's columns j0 … j0 + values.length − 1, row by row: doubles, or an indicator column's bits (Uint8Array,
 * row r is bit r % 8 of byte ⌊r / 8⌋).
 */
function writeColumns(X: Float32Array, n: number, d: number, j0: number, columns: (Float64Array | Uint8Array)[]): void {
  const g = columns.length;
  const values = columns.filter((c): c is Float64Array => c instanceof Float64Array);
  if (values.length === 0) {
    // All bits (one-hot indicators): row by row too.
    const bits = columns as Uint8Array[];
    for (let i = 0, o = j0; i < n; i++, o += d) {
      const at = i >> 3, shift = i & 7;
      for (let q = 0; q < g; q++) X[o + q] = (bits[q][at] >> shift) & 1;
    }
    return;
  }
  if (values.length < g) {
    // Bits and doubles mixed (rare): column by column.
    columns.forEach((c, q) => {
      if (c instanceof Float64Array) for (let i = 0, o = j0 + q; i < n; i++, o += d) X[o] = c[i];
      else for (let i = 0, o = j0 + q; i < n; i++, o += d) X[o] = (c[i >> 3] >> (i & 7)) & 1;
    });
    return;
  }
  if (g === GROUP) {
    const [a, b, c, e, f, h, k, m] = values;
    for (let i = 0, o = j0; i < n; i++, o += d) {
      X[o] = a[i], X[o + 1] = b[i], X[o + 2] = c[i], X[o + 3] = e[i];
      X[o + 4] = f[i], X[o + 5] = h[i], X[o + 6] = k[i], X[o + 7] = m[i];
    }
    return;
  }
  for (let i = 0, o = j0; i < n; i++, o += d) for (let q = 0; q < g; q++) X[o + q] = values[q][i];
}

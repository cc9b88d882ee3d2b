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
import { targetVector, toDataset, type Dataset, type DataShape } from '../ml/matrix.ts';
import { finiteMatrices } from '../ml/non-finite.ts';
import type { EnclaveDB } from '../store/db.ts';
import { loadColumn, loadTable, versionShape } from '../store/load-table.ts';

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
  for (let j = 0; j < d; j++) {
    throwIfAborted(signal);
    const col = await loadColumn(db, hash, features[j]);
    if (!col || featureProblem(col, n) !== null || col.kind !== 'numeric') return whole();
    const values = col.values;
    for (let i = 0, o = j; i < n; i++, o += d) X[o] = values[i];
  }
  finiteMatrices.add(X); // every column passed featureProblem, as in featureMatrix
  return { X, n, d, y: t.y, shape: { task: t.task, features: [...features], ...(t.classNames ? { classNames: t.classNames } : {}) } };
}

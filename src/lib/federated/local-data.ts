/**
 * A client's own rows, ready for a federation: checked against the federation's input columns (the Deploy page's
 * batch check, with the target required), split 60/20/20 with the client's seed (stratified), and each split put
 * through the federation's fitted recipe — never refitted on local rows, so every client's features are the same
 * columns. Local training uses the train split; the validation split shows the person how each global model does on
 * their data; the test split stays sealed until the final model is registered.
 */
import { EnclaveError } from '../core/errors.ts';
import { applyRecipe } from '../core/recipe/index.ts';
import { splitTable } from '../core/split.ts';
import type { Table } from '../core/table.ts';
import { takeRows } from '../core/table-ops.ts';
import { toDataset, type Dataset } from '../ml/matrix.ts';
import { checkBatch, type BatchCheck } from '../services/check-batch.ts';
import { shapeOf, type FederatedModel } from './model-spec.ts';

export interface LocalData {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  /** What the check found (warnings only: a blocking problem is an error). */
  check: BatchCheck;
  /** Rows without a value for the target, left out before the split. */
  missingTarget: number;
}

export function localData(table: Table, m: FederatedModel, seed: number): LocalData {
  if (!table.columns.some((c) => c.name === m.target))
    throw new EnclaveError('invalid-argument', `Your data has no column "${m.target}", the federation's target: each client trains on its own labelled rows.`, { column: m.target });
  const check = checkBatch(m.inputSchema, table, { target: m.target });
  const blocking = check.columns.filter((p) => p.blocking);
  if (blocking.length)
    throw new EnclaveError('invalid-argument', `Your data does not fit the federation's input columns: ${blocking.slice(0, 5).map((p) => p.message).join(' ')}`, { problems: blocking.slice(0, 20).map((p) => ({ column: p.column, problem: p.problem })) });
  const split = splitTable(table, { seed, target: m.target, method: 'stratified' });
  const shape = shapeOf(m);
  const prepare = (rows: Uint32Array, mode: 'train' | 'eval') => {
    const prepared = applyRecipe(takeRows(table, rows), m.fitted, mode);
    try {
      return toDataset(prepared, m.target, shape);
    } catch (err) {
      // A class the federation does not know cannot be learned: say so in the person's terms.
      if (err instanceof EnclaveError && err.code === 'invalid-target' && err.detail && 'value' in err.detail)
        throw new EnclaveError('invalid-argument', `Your data has the class "${String(err.detail.value)}" in "${m.target}", which the federation does not predict (its classes: ${m.classNames.join(', ')}). Leave those rows out first.`, { value: err.detail.value });
      throw err;
    }
  };
  const train = prepare(split.indices.train, 'train');
  if (train.n === 0) throw new EnclaveError('invalid-argument', 'Your data has no labelled rows left to train on.');
  return { train, validation: prepare(split.indices.validation, 'eval'), test: prepare(split.indices.test, 'eval'), check, missingTarget: split.summary.excluded?.missingTarget ?? 0 };
}

/**
 * Predictions from a registered model on a Table of source rows (as they look before the recipe): the fitted recipe
 * in `predict` mode (no row is removed), the model's feature matrix, the model. No training data is needed. A batch
 * scored for monitoring and a what-if form's rows both come through here.
 */
import { throwIfAborted } from '../core/errors.ts';
import { applyRecipe } from '../core/recipe/index.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';
import { tableFromRecords, type InputRecord } from '../core/table-from-records.ts';
import type { Table } from '../core/table.ts';
import { fusedFeatureMatrix } from '../ml/fused-matrix.ts';
import { featureMatrix } from '../ml/matrix.ts';
import { argmaxRows, type TrainedModel } from '../ml/models/saved.ts';

/** What a model version carries besides its weights. */
export interface ModelCard {
  target: string;
  features: string[];
  task: 'classification' | 'regression';
  classNames?: string[];
  fitted: FittedRecipe;
}

export interface Predictions {
  /** A class name, or a number in the target's units, per row. */
  predictions: (string | number)[];
  /** Classification: each row's probability per class (in `classNames` order). */
  probabilities?: number[][];
}

export async function predictTable(model: TrainedModel, card: ModelCard, table: Table, signal?: AbortSignal): Promise<Predictions> {
  const n = table.rowCount;
  // The per-cell recipes most models carry go straight to the matrix; any other (or any cell the general path
  // would refuse) takes applyRecipe + featureMatrix, which give the same matrix and their own errors.
  const X = fusedFeatureMatrix(table, card.fitted, card.features) ?? featureMatrix(applyRecipe(table, card.fitted, 'predict'), card.target, card.features).X;
  throwIfAborted(signal);
  const out = await model.predict(X, n);
  throwIfAborted(signal);
  if (card.task === 'regression') return { predictions: Array.from(out) };
  const classes = card.classNames!;
  const k = classes.length;
  const codes = argmaxRows(out, k);
  // Plain loops: a typed-array view and Array.from per row cost a second at a million rows.
  const predictions = new Array<string>(n);
  const probabilities = new Array<number[]>(n);
  for (let i = 0, at = 0; i < n; i++) {
    predictions[i] = classes[codes[i]];
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = out[at++];
    probabilities[i] = row;
  }
  return { predictions, probabilities };
}

/** Rows as a person types them ([column, value] pairs, Maps or plain objects), validated, then predictTable. */
export function predictRecords(model: TrainedModel, card: ModelCard, records: readonly InputRecord[], signal?: AbortSignal): Promise<Predictions> {
  return predictTable(model, card, tableFromRecords(records), signal);
}

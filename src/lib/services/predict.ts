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
  const prepared = applyRecipe(table, card.fitted, 'predict');
  throwIfAborted(signal);
  const { X, n } = featureMatrix(prepared, card.target, card.features);
  const out = await model.predict(X, n);
  throwIfAborted(signal);
  if (card.task === 'regression') return { predictions: Array.from(out) };
  const classes = card.classNames!;
  const k = classes.length;
  const codes = argmaxRows(out, k);
  return {
    predictions: Array.from(codes, (c) => classes[c]),
    probabilities: Array.from({ length: n }, (_, i) => Array.from(out.subarray(i * k, i * k + k)))
  };
}

/** Rows as a person types them ([column, value] pairs, Maps or plain objects), validated, then predictTable. */
export function predictRecords(model: TrainedModel, card: ModelCard, records: readonly InputRecord[], signal?: AbortSignal): Promise<Predictions> {
  return predictTable(model, card, tableFromRecords(records), signal);
}

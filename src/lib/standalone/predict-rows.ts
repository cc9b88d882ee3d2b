/**
 * Predictions from a saved model and its fitted recipe with no tfjs, no store and no studio: what an exported bundle's
 * predict.js does. The steps are the studio's own (core's applyRecipe in 'predict' mode, tableFromRecords for the rows,
 * featureMatrix for the model's inputs); only the forward pass is ours (forward.ts). Synchronous, so a page or a Node
 * script calls it like any function.
 */
import { EnclaveError } from '../core/errors.ts';
import { applyRecipe } from '../core/recipe/index.ts';
import type { FittedRecipe } from '../core/recipe/types.ts';
import { tableFromRecords } from '../core/table-from-records.ts';
import { featureMatrix } from '../ml/matrix.ts';
import { argmaxRows, parseSaved } from '../ml/models/saved.ts';
import { parseFittedRecipe } from './fitted-recipe.ts';
import { forwardPass } from './forward.ts';

export interface StandalonePredictions {
  /** A class name, or a number in the target's units, per row. */
  predictions: (string | number)[];
  /** Classification: each row's probability per class, in the model's class order. */
  probabilities?: number[][];
}

/** Checks the model and recipe once, and returns predict(rows): rows are objects, Maps or lists of [column, value] pairs. */
export function makePredictor(model: unknown, recipe: unknown): (rows: readonly unknown[]) => StandalonePredictions {
  const m = parseSaved(model);
  const fitted: FittedRecipe = parseFittedRecipe(recipe);
  const { task, features, classNames } = m.shape;
  return (rows) => {
    if (!Array.isArray(rows)) throw new EnclaveError('invalid-argument', 'Rows to predict are a list of rows.');
    const prepared = applyRecipe(tableFromRecords(rows), fitted, 'predict');
    const { X, n } = featureMatrix(prepared, fitted.target, features);
    const out = forwardPass(m, X, n);
    if (task === 'regression') return { predictions: Array.from(out) };
    const k = classNames!.length;
    const codes = argmaxRows(out, k);
    return {
      predictions: Array.from(codes, (c) => classNames![c]),
      probabilities: Array.from({ length: n }, (_, i) => Array.from(out.subarray(i * k, i * k + k))),
    };
  };
}

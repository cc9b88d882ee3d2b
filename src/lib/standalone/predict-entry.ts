/**
 * The entry of predict.js (scripts/build-predict-js.ts bundles it into one ES module with no imports). The bundle
 * writer puts `const ENCLAVE_MODEL = {…}; const ENCLAVE_RECIPE = {…};` (the saved model and the fitted recipe, as
 * JSON) ahead of the bundled code: the names below are free in the bundle, so they bind to those constants.
 */
import { makePredictor, type StandalonePredictions } from './predict-rows.ts';

declare const ENCLAVE_MODEL: unknown;
declare const ENCLAVE_RECIPE: unknown;

let predictor: ((rows: readonly unknown[]) => StandalonePredictions) | undefined;

/**
 * Predictions for rows of source values (objects, Maps, or lists of [column, value] pairs, as in the data the model
 * was trained on): { predictions, probabilities? }. Throws an Error with a `code` and a message for a person.
 */
export function predict(rows: readonly unknown[]): StandalonePredictions {
  predictor ??= makePredictor(ENCLAVE_MODEL, ENCLAVE_RECIPE);
  return predictor(rows);
}

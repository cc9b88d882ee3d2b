/**
 * predict.js of a bundle: the saved model and fitted recipe as two constants, then the generated standalone code
 * (predict-js.ts, built by scripts/build-predict-js.ts), whose free names ENCLAVE_MODEL and ENCLAVE_RECIPE bind to them.
 * Inlined rather than fetched: one file that works from disk, a page or Node, with nothing to resolve. The JSON goes
 * through JSON.parse of a string literal, not an object literal: in a literal a key "__proto__" (a column name) would
 * set a prototype instead of being a key.
 */
import type { FittedRecipe } from '../../core/recipe/types.ts';
import type { SavedModel } from '../../ml/models/saved.ts';
import { PREDICT_JS } from './predict-js.ts';

export function predictFile(model: SavedModel, recipe: FittedRecipe, about: { name: string; version: string }): string {
  const title = `${about.name} ${about.version}`.replace(/[\r\n\u2028\u2029]/g, ' ');
  return `// ${title}: predictions without Enclave (exported from Enclave; see README.txt).\n` +
    `// import { predict } from './predict.js'; predict([{ column: value, … }]) → { predictions, probabilities? }\n` +
    `const ENCLAVE_MODEL = JSON.parse(${JSON.stringify(JSON.stringify(model))});\n` +
    `const ENCLAVE_RECIPE = JSON.parse(${JSON.stringify(JSON.stringify(recipe))});\n\n` +
    PREDICT_JS;
}

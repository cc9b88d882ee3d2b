/** README.txt of a bundle: what is inside and how to run predict.js, for whoever receives the file. */
import type { BundleManifest } from './manifest.ts';

export function readmeText(m: Omit<BundleManifest, 'files' | 'contentHash'>): string {
  const columns = m.inputSchema.map((f) => `  - ${f.name} (${f.type})`).join('\n') || '  (none recorded)';
  const output = m.task === 'classification'
    ? `predictions: one class per row (one of ${(m.classNames ?? []).join(', ')});\n  probabilities: per row, one probability per class in that order.`
    : `predictions: one number per row, in the units of "${m.target}".`;
  return `${m.name} ${m.version}: an Enclave model bundle (${m.algorithm}, ${m.task}, predicts "${m.target}")

Files
  manifest.json  what the model is, where it came from, and each file's SHA-256
  model.json     the trained model (weights as little-endian float32, base64)${m.trainingRows ? '\n                 It holds the training rows (a k-nearest-neighbours model is its rows).' : ''}
  recipe.json    the fitted data recipe (the preparation steps and what they learned from the training rows)
  predict.js     a standalone JavaScript module that applies both; it imports nothing and sends nothing anywhere
  summary.json   (when present) the training data summary, for monitoring new data against it

Using predict.js (Node 20.19 or later, or any modern browser; for an older Node, rename it predict.mjs)
  Node:     node -e "import('./predict.js').then(m => console.log(m.predict([{ ... }])))"
  In code:  import { predict } from './predict.js';
            const { predictions, probabilities } = predict(rows);
  In a page: <script type="module"> import { predict } from './predict.js'; … </script>

  rows is a list of rows; each row is an object { column: value } or a list of [column, value] pairs, with the
  source values as in the data the model was trained on (text, numbers, true/false, or null for missing):
${columns}
  It returns
  ${output}
  A row that cannot be used (a column missing, a value the recipe cannot read) throws an Error with a message.

Importing into Enclave: open the Deploy page and import this file; the studio checks every SHA-256 first.
`;
}

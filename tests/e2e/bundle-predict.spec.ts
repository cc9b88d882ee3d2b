/**
 * A model bundle's predict.js runs in a web page: one ES module that imports nothing, loaded from a blob, on a blank
 * page (no studio, no server). Its answers are checked against values computed by hand.
 */
import { test, expect } from './fixtures.ts';
import { fitRecipe } from '../../src/lib/core/recipe/index.ts';
import { tableFromRecords } from '../../src/lib/core/table-from-records.ts';
import { saveWeight, type SavedModel } from '../../src/lib/ml/models/saved.ts';
import { predictFile } from '../../src/lib/services/bundle/predict-file.ts';

test('predict.js of a model bundle runs in a web page and gives the model\'s probabilities', async ({ page }) => {
  // A recipe with one derived column (c = a · b), fitted as the studio fits it; a logistic model on [a, c].
  const train = [{ a: 1, b: 2, y: 'no' }, { a: -1, b: 0.5, y: 'yes' }, { a: 3, b: -1, y: 'no' }];
  const { fitted } = fitRecipe(tableFromRecords(train), { target: 'y', steps: [{ kind: 'derive', expression: 'c = a * b' }] });
  const model: SavedModel = {
    format: 'enclave-model', version: 1, seed: 1,
    spec: { algorithm: 'logistic', hyperparameters: { l2: 0, optimizer: 'adam', learningRate: 0.03, batchSize: 64, epochs: 1, patience: 0, classWeight: 'none' } },
    shape: { task: 'classification', features: ['a', 'c'], classNames: ['no', 'yes'] },
    // Kernel [features × classes], row-major: a → (0.5, −0.25), c → (1, 2); bias (0.1, −0.1).
    weights: [saveWeight('dense_1/kernel', [2, 2], Float32Array.of(0.5, -0.25, 1, 2)), saveWeight('dense_1/bias', [2], Float32Array.of(0.1, -0.1))],
  };
  const code = predictFile(model, fitted, { name: 'e2e', version: '1.0.0' });
  const out = await page.evaluate(async (source) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const m = await import(/* @vite-ignore */ url);
    return m.predict([{ a: 2, b: 3 }, [['a', -1], ['b', 4]]]) as { predictions: string[]; probabilities: number[][] };
  }, code);
  // By hand: row 1 a = 2, c = 6: logits (0.1 + 1 + 6, −0.1 − 0.5 + 12) = (7.1, 11.4); row 2 a = −1, c = −4: (−4.4, −7.85).
  // Softmax (python3: math.exp(z − max) / sum): (0.013386917827664766, 0.9866130821723351), (0.969231140642852, 0.030768859357148032).
  expect(out.predictions).toEqual(['yes', 'no']);
  const want = [[0.013386917827664766, 0.9866130821723351], [0.969231140642852, 0.030768859357148032]];
  out.probabilities.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - want[i][j])).toBeLessThan(1e-6)));
});

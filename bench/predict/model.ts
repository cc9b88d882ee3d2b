/**
 * The predict benchmark's model, trained once in Node and saved: bench/predict/data/predict-model.json holds
 *   { version, seed, recipe, report, model: SavedModel (base64 float32 weights), card: ModelCard (target, features,
 *     task, classNames, the fitted recipe) }
 * — what the studio stores for a registered version. Both sides score with it: the Chromium worker loads it as the app
 * does (modelFromJSON + predictTable), scikit-learn copies every fitted number out of it (sklearn_predict.py).
 *
 * Training: trainPipeline (the CLI's `enclave train`) on the 20,000-row sample, the recipe below, an MLP with units
 * [64, 32], relu, 5 epochs, seed 42, on the wasm backend (Node). Regenerated when the file is missing or stale.
 * Run alone with `node --import tsx bench/predict/model.ts`.
 */
import { openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTable } from '../../src/lib/core/io/index.ts';
import type { SavedModel } from '../../src/lib/ml/models/saved.ts';
import type { ModelCard } from '../../src/lib/services/predict.ts';
import { dataFiles } from '../shared/data-file.ts';
import { ensureTable, TARGET } from './generate.ts';

const VERSION = 1;
export const MODEL_SEED = 42;
export const { path: MODEL_PATH } = dataFiles(import.meta.url, 'predict-model.json');

/** SimpleImputer(mean) + StandardScaler on the numbers, SimpleImputer(most_frequent) + OneHotEncoder on the categories. */
export const RECIPE = {
  steps: [
    { kind: 'impute', columns: '*numeric', strategy: 'mean' },
    { kind: 'impute', columns: '*categorical', strategy: 'most_frequent' },
    { kind: 'scale', columns: '*numeric', method: 'standard' },
    { kind: 'onehot', columns: '*categorical' },
  ],
};
export const HYPERPARAMETERS = { units: [64, 32], activation: 'relu', epochs: 5, batchSize: 256, learningRate: 0.001, optimizer: 'adam' };

export interface ModelFile {
  version: number;
  seed: number;
  recipe: typeof RECIPE;
  hyperparameters: typeof HYPERPARAMETERS;
  /** What training said: backend, engine, epochs, test accuracy, seconds. */
  report: { backend: string; engine?: string; epochs: number; testAccuracy: number | null; rows: { train: number; validation: number; test: number }; seconds: number };
  model: SavedModel;
  card: ModelCard;
}

async function train(log: (s: string) => void): Promise<ModelFile> {
  const data = ensureTable('train', log);
  log(`model: training an MLP ${JSON.stringify(HYPERPARAMETERS.units)} on ${data.rows.toLocaleString('en')} rows (trainPipeline, Node) ...`);
  const { initBackend } = await import('../../src/lib/ml/backend.ts');
  const { trainPipeline } = await import('../../src/lib/services/pipeline.ts');
  await initBackend('wasm');
  const blob = await openAsBlob(data.path);
  const { table } = await readTable({ name: basename(data.path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> }, {});
  const t0 = performance.now();
  const r = await trainPipeline(table, { target: TARGET, recipe: RECIPE, algorithm: 'mlp', hyperparameters: HYPERPARAMETERS, seed: MODEL_SEED });
  const seconds = (performance.now() - t0) / 1000;
  const card: ModelCard = { target: TARGET, features: r.features, task: r.task, ...(r.classNames ? { classNames: r.classNames } : {}), fitted: r.fitted };
  const accuracy = (r.metrics.test as unknown as Record<string, unknown>).accuracy;
  const out: ModelFile = {
    version: VERSION, seed: MODEL_SEED, recipe: RECIPE, hyperparameters: HYPERPARAMETERS,
    report: { backend: r.backend, engine: r.engine, epochs: r.epochs, testAccuracy: typeof accuracy === 'number' ? accuracy : null, rows: r.rows, seconds },
    model: r.model.toJSON(), card,
  };
  r.model.dispose();
  writeFileSync(MODEL_PATH, JSON.stringify(out));
  log(`model: wrote ${MODEL_PATH} (${r.features.length} features, ${r.epochs} epochs on ${r.backend}${r.engine ? `/${r.engine}` : ''}, test accuracy ${typeof accuracy === 'number' ? (accuracy * 100).toFixed(1) + '%' : '?'}, ${seconds.toFixed(1)} s)`);
  return out;
}

/** The saved model, trained now when missing or from another version of this file. */
export async function ensureModel(log: (s: string) => void = console.log): Promise<ModelFile> {
  try {
    const m = JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as ModelFile;
    if (m.version === VERSION && m.seed === MODEL_SEED && JSON.stringify(m.recipe) === JSON.stringify(RECIPE) && JSON.stringify(m.hyperparameters) === JSON.stringify(HYPERPARAMETERS)) {
      log(`model: ${MODEL_PATH} exists (${m.card.features.length} features): not retrained`);
      return m;
    }
  } catch { /* train */ }
  return train(log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await ensureModel();

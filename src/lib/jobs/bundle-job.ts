/**
 * Moving a model version off and onto the device (model worker): export it as a bundle (the model, its fitted recipe,
 * input schema, metrics, lineage, training summaries for monitoring and a standalone predict.js) or as an ONNX graph,
 * and import a bundle as a new version. A k-NN model is its training rows: it is exported only when the person says
 * its rows may leave the device.
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { parseTrainingSummary } from '../core/validate/drift/summary-schema.ts';
import { initBackend } from '../ml/backend.ts';
import { modelFromJSON } from '../ml/train.ts';
import { exportBundle, readBundle } from '../services/bundle/index.ts';
import { exportOnnx } from '../services/onnx/index.ts';
import { putModelSummary } from '../store/batches.ts';
import { db as defaultDb, type EnclaveDB, type ModelRecord } from '../store/db.ts';
import { findImportedModel, getModel, registerImportedModel } from '../store/models.ts';
import { recordModelEvent } from '../store/model-history.ts';
import { getPreparation } from '../store/preparations.ts';
import { getArtifact, getRun } from '../store/runs.ts';
import { ensureModelSummary } from './monitor-job.ts';
import { versionBackend } from './train-job.ts';

interface Options {
  signal?: AbortSignal;
  database?: EnclaveDB;
}

/**
 * An export's steps: read the version and its model, start its backend, the training summaries (a forward pass over
 * the validation rows the first time), write the zip; `done` of `total` (4).
 */
export interface ExportProgress {
  stage: 'read' | 'backend' | 'summaries' | 'write';
  done: number;
  total: number;
}

/** The bundle's bytes and the file name to save it under (`<name>-<version>.zip`). */
export async function exportModelBundle(req: { model: string; includeTrainingRows?: boolean }, opts: Options & { onProgress?: (p: ExportProgress) => void } = {}): Promise<{ bytes: Uint8Array; fileName: string }> {
  const database = opts.database ?? defaultDb();
  const step = (stage: ExportProgress['stage'], done: number) => opts.onProgress?.({ stage, done, total: 4 });
  step('read', 0);
  const version = await getModel(database, req.model);
  const saved = await getArtifact(database, version.run);
  step('backend', 1);
  // Summaries need a forward pass over the validation rows the first time (then they are stored).
  await initBackend(await versionBackend(database, version));
  step('summaries', 2);
  const model = modelFromJSON(saved);
  let summaries;
  try {
    summaries = await ensureModelSummary(database, version, model, opts.signal).catch((e) => {
      // An imported version without a stored summary still exports (without what monitoring needs).
      if (e instanceof EnclaveError && e.code === 'not-found') return undefined;
      throw e;
    });
  } finally {
    model.dispose();
  }
  throwIfAborted(opts.signal);
  step('write', 3);
  const run = await getRun(database, version.run).catch(() => undefined);
  const prep = run ? await getPreparation(database, run.preparation).catch(() => undefined) : undefined;
  const bytes = await exportBundle({
    record: version, model: saved,
    ...(summaries ? { summary: { training: summaries.summary, ...(summaries.predictions ? { predictions: summaries.predictions } : {}) } } : {}),
    includeTrainingRows: req.includeTrainingRows ?? false,
    lineage: { ...(prep ? { preparation: prep.id, recipe: prep.recipe, dataset: prep.dataset } : {}) }
  });
  step('write', 4);
  return { bytes, fileName: `${safe(version.name)}-${version.version}.zip` };
}

/** An ONNX graph of the version's recipe and model over its source columns (`<name>-<version>.onnx`). */
export async function exportModelOnnx(req: { model: string }, opts: Options = {}): Promise<{ bytes: Uint8Array; fileName: string }> {
  const database = opts.database ?? defaultDb();
  const version = await getModel(database, req.model);
  const saved = await getArtifact(database, version.run);
  const bytes = exportOnnx({ model: saved, fitted: version.fitted, inputSchema: version.inputSchema, target: version.target, task: version.task, ...(version.classNames ? { classNames: version.classNames } : {}) });
  return { bytes, fileName: `${safe(version.name)}-${version.version}.onnx` };
}

/** An import's steps: check the bundle (unzip, hashes, model and recipe), register the version, store its summaries. */
export interface ImportBundleProgress {
  stage: 'check' | 'register' | 'summaries';
  done: number;
  total: number;
}

/** Registers a bundle as a model version (once: importing the same bundle again returns the version it made). */
export async function importModelBundle(req: { bytes: Uint8Array; fileName?: string }, opts: Options & { onProgress?: (p: ImportBundleProgress) => void } = {}): Promise<{ model: ModelRecord; created: boolean }> {
  const database = opts.database ?? defaultDb();
  const step = (stage: ImportBundleProgress['stage'], done: number) => opts.onProgress?.({ stage, done, total: 3 });
  step('check', 0);
  const bundle = await readBundle(req.bytes);
  step('register', 1);
  const existing = await findImportedModel(database, bundle.manifest.contentHash);
  if (existing) return { model: existing, created: false };
  // The summary is checked before anything is stored: a damaged one refuses the whole bundle.
  const s = bundle.summary as { training?: unknown; predictions?: unknown } | undefined;
  const summaries = s?.training !== undefined ? { summary: parseTrainingSummary(s.training), ...(s.predictions !== undefined ? { predictions: parseTrainingSummary(s.predictions) } : {}) } : undefined;
  const model = await registerImportedModel(database, bundle);
  step('summaries', 2);
  if (summaries) await putModelSummary(database, { model: model.id, ...summaries, created: Date.now() });
  await recordModelEvent(database, { action: 'register', model });
  step('summaries', 3);
  return { model, created: true };
}

const safe = (name: string) => name.replace(/[^\w.-]+/g, '_') || 'model';

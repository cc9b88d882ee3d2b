/**
 * Monitoring a batch (model worker): a file of new rows scored by a registered model version and compared with the
 * version's training data — drift per feature and of the predictions, labelled metrics against the sealed test
 * metrics when the file carries the target, alerts — kept as a batch record (its data hash, never its rows).
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { hashTable } from '../core/hash.ts';
import { readTable } from '../core/io/index.ts';
import type { ByteSource } from '../core/io/source.ts';
import { splitTable } from '../core/split.ts';
import { takeRows } from '../core/table-ops.ts';
import type { Table } from '../core/table.ts';
import { summariseTable, type TrainingSummary } from '../core/validate/drift/summary.ts';
import { initBackend } from '../ml/backend.ts';
import type { TrainedModel } from '../ml/models/saved.ts';
import { modelFromJSON } from '../ml/train.ts';
import { monitorBatch, predictionSummaryOf, type MonitorThresholds } from '../services/monitor-batch.ts';
import { getModelSummary, putModelSummary, saveBatch } from '../store/batches.ts';
import { db as defaultDb, type BatchRecord, type EnclaveDB, type ModelRecord } from '../store/db.ts';
import { loadTable } from '../store/load-table.ts';
import { getModel } from '../store/models.ts';
import { getPreparation } from '../store/preparations.ts';
import { getArtifact, getRun } from '../store/runs.ts';
import { versionBackend } from './train-job.ts';

export interface MonitorRequest {
  model: string;
  /** The batch: CSV, JSON or Parquet rows with the model's input columns (and, to score it, the target). */
  file: ByteSource;
  thresholds?: MonitorThresholds;
}

export interface MonitorProgress {
  stage: 'read' | 'summarise' | 'score' | 'save';
  done: number;
  total: number;
}

interface Options {
  signal?: AbortSignal;
  onProgress?: (p: MonitorProgress) => void;
  database?: EnclaveDB;
}

export async function monitorFile(req: MonitorRequest, opts: Options = {}): Promise<BatchRecord> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  const version = await getModel(database, req.model);
  onProgress?.({ stage: 'read', done: 0, total: req.file.size });
  const { table } = await readTable(req.file, { signal, onProgress: (p) => onProgress?.({ stage: 'read', done: p.done, total: p.total }) });
  return monitorTable(version, table, req.file.name, { ...opts, database, thresholds: req.thresholds });
}

/** Scores and monitors an already-read batch (the batch-scoring job reuses the table it read). */
export async function monitorTable(version: ModelRecord, table: Table, fileName: string, opts: Options & { thresholds?: MonitorThresholds; database: EnclaveDB }): Promise<BatchRecord> {
  const { signal, onProgress, database } = opts;
  throwIfAborted(signal);
  await initBackend(await versionBackend(database, version));
  const model = modelFromJSON(await getArtifact(database, version.run));
  try {
    onProgress?.({ stage: 'summarise', done: 0, total: 1 });
    const summaries = await ensureModelSummary(database, version, model, signal);
    onProgress?.({ stage: 'score', done: 0, total: 1 });
    const labelled = table.columns.some((c) => c.name === version.target);
    const report = await monitorBatch({
      model, card: version, summary: summaries.summary, ...(summaries.predictions ? { predictionSummary: summaries.predictions } : {}),
      ...(version.metrics.test ? { testMetrics: version.metrics.test } : {}), batch: table,
      ...(labelled ? { target: version.target } : {}), ...(opts.thresholds ? { thresholds: opts.thresholds } : {}), signal
    });
    throwIfAborted(signal);
    onProgress?.({ stage: 'save', done: 0, total: 1 });
    const batch: BatchRecord = { id: crypto.randomUUID(), model: version.id, name: version.name, created: Date.now(), fileName, dataHash: await hashTable(table), rows: table.rowCount, report };
    await saveBatch(database, batch);
    return batch;
  } finally {
    model.dispose();
  }
}

/**
 * The version's training summaries: stored, or computed once from its training split's source rows (the split is
 * deterministic, so it is re-derived from the source) and its predictions on the validation split's source rows.
 */
export async function ensureModelSummary(database: EnclaveDB, version: ModelRecord, model: TrainedModel, signal?: AbortSignal): Promise<{ summary: TrainingSummary; predictions?: TrainingSummary }> {
  const stored = await getModelSummary(database, version.id);
  if (stored) return stored;
  const run = await getRun(database, version.run).catch(() => {
    throw new EnclaveError('not-found', `${version.name} ${version.version} has no training summary and no run to compute one from.`);
  });
  const prep = await getPreparation(database, run.preparation);
  const source = await loadTable(database, prep.source);
  const { method, fractions, seed, target, group, time } = prep.split;
  const indices = splitTable(source, { method, fractions, seed, target, group, time }).indices;
  throwIfAborted(signal);
  const summary = summariseTable(takeRows(source, indices.train));
  const predictions = await predictionSummaryOf(model, version, takeRows(source, indices.validation), signal);
  await putModelSummary(database, { model: version.id, summary, predictions, created: Date.now() });
  return { summary, predictions };
}

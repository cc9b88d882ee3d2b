/**
 * Scoring a file with a registered model (model worker): read it (CSV, TSV, JSON or Parquet, as the import reads
 * them), check it against the model's input schema with the ranges and categories of the data the model was trained
 * on, refuse it when a problem blocks scoring (nothing is stored either way), predict every row, and hand back the
 * check, the row count and a CSV of the input with the predictions (and class probabilities). During a staged rollout
 * the champion's file is scored by both models, each row served by one (services/rollout-scoring.ts). Every scored
 * file is kept as a monitoring batch (its hash and drift report).
 */
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { readTable, type ByteSource } from '../core/io/index.ts';
import { initBackend } from '../ml/backend.ts';
import { modelFromJSON } from '../ml/train.ts';
import { hintsFromProfile } from '../services/batch-hints.ts';
import { checkBatch, type BatchCheck } from '../services/check-batch.ts';
import { conformBatch } from '../services/conform-batch.ts';
import { predictTable } from '../services/predict.ts';
import { predictionsCsv } from '../services/predictions-csv.ts';
import { db as defaultDb, type EnclaveDB, type ModelRecord } from '../store/db.ts';
import { getRollout } from '../store/model-history.ts';
import { routeRollout, type ArmSummary, type RolloutScoring } from '../services/rollout-scoring.ts';
import type { Table } from '../core/table.ts';
import { monitorTable } from './monitor-job.ts';
import { getModel } from '../store/models.ts';
import { getArtifact } from '../store/runs.ts';
import { getVersion } from '../store/tables.ts';
import { versionBackend } from './train-job.ts';

export interface ScoreBatchRequest {
  /** The model version's id. */
  model: string;
  /** A File (or anything that streams its bytes, as the import takes it). */
  file: ByteSource;
  maxBytes?: number;
}

export interface ScoreBatchProgress {
  stage: 'read' | 'check' | 'predict' | 'write' | 'monitor';
  /** Bytes read while reading; then 0 or 1 per stage. */
  done: number;
  total: number;
  rows?: number;
}

export interface ScoreBatchResult {
  check: BatchCheck;
  rows: number;
  /** Each predicted class with its row count (classification), most frequent first. */
  classCounts?: [string, number][];
  /** The input's columns, `prediction`, and `p_<class>` per class: RFC 4180, UTF-8. */
  csv: Uint8Array;
  /** During a staged rollout: how many rows each model served, and what it predicted. */
  rollout?: { share: number; champion: ArmSummary; challenger: ArmSummary };
  /** The batch kept for monitoring (on the Monitor page): its drifted share and any alert. */
  batch: { id: string; driftedShare: number; alerts: { kind: string; message: string }[] };
}

export interface ScoreBatchOptions {
  signal?: AbortSignal;
  onProgress?: (p: ScoreBatchProgress) => void;
  database?: EnclaveDB;
}

export async function scoreBatch(req: ScoreBatchRequest, opts: ScoreBatchOptions = {}): Promise<ScoreBatchResult> {
  const { signal, onProgress } = opts;
  const database = opts.database ?? defaultDb();
  const m = await getModel(database, req.model);
  const { table } = await readTable(req.file, {
    signal,
    maxBytes: req.maxBytes,
    onProgress: (p) => onProgress?.({ stage: 'read', done: p.done, total: p.total, rows: p.rows })
  });
  throwIfAborted(signal);
  onProgress?.({ stage: 'check', done: 0, total: 1, rows: table.rowCount });
  // An imported model has no source version here: its schema is still checked, without ranges or categories.
  const source = m.source ? await getVersion(database, m.source) : undefined;
  const check = checkBatch(m.inputSchema, table, { hints: source ? hintsFromProfile(source.profile) : undefined, target: m.target });
  if (!check.ok) {
    const blocking = check.columns.filter((p) => p.blocking);
    throw new EnclaveError('invalid-argument', `This file can't be scored by ${m.name} ${m.version}: ${blocking.map((p) => p.message).join(' ')}`, { problems: check.columns });
  }
  onProgress?.({ stage: 'predict', done: 0, total: 1, rows: table.rowCount });
  // The backend the version trained on, as the predict form's: a row scores the same in a file and in the form.
  await initBackend(await versionBackend(database, m));
  const conformed = conformBatch(m.inputSchema, table);
  const out = await predictWith(database, m, conformed, signal);
  // A staged rollout of a challenger against this champion: each row goes to one of the two by its seeded hash.
  const rollout = await getRollout(database, m.name);
  let served = out;
  let routed: RolloutScoring | undefined;
  if (rollout && rollout.champion === m.id) {
    const challenger = await getModel(database, rollout.challenger);
    const theirs = await predictWith(database, challenger, conformBatch(challenger.inputSchema, table), signal);
    routed = routeRollout(table, { version: m.version, out }, { version: challenger.version, out: theirs }, rollout.share, rollout.seed);
    served = routed.served;
  }
  throwIfAborted(signal);
  onProgress?.({ stage: 'write', done: 0, total: 1, rows: table.rowCount });
  const csv = predictionsCsv(table, served, m.classNames);
  onProgress?.({ stage: 'write', done: 1, total: 1, rows: table.rowCount });
  // Every scored batch is kept for monitoring: its data hash and its drift report, never its rows.
  onProgress?.({ stage: 'monitor', done: 0, total: 1, rows: table.rowCount });
  const batch = await monitorTable(m, table, req.file.name, { database, signal });
  return {
    check, rows: table.rowCount, ...(m.task === 'classification' ? { classCounts: countClasses(served.predictions) } : {}), csv,
    ...(routed ? { rollout: { share: routed.share, champion: routed.champion, challenger: routed.challenger } } : {}),
    batch: { id: batch.id, driftedShare: batch.report.driftedShare, alerts: batch.report.alerts }
  };
}

async function predictWith(database: EnclaveDB, version: ModelRecord, table: Table, signal?: AbortSignal) {
  const model = modelFromJSON(await getArtifact(database, version.run));
  try {
    return await predictTable(model, version, table, signal);
  } finally {
    model.dispose();
  }
}

function countClasses(predictions: readonly (string | number)[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const p of predictions) counts.set(String(p), (counts.get(String(p)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

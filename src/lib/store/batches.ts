/**
 * Monitoring's records: each scored batch (data hash and monitoring report, never the rows) and each model version's
 * training summaries. Reads are validated at the envelope (the report is the service's own output; its numbers are
 * checked where the Monitor page charts them).
 */
import * as v from 'valibot';
import type { TrainingSummary } from '../core/validate/drift/summary.ts';
import { parseTrainingSummary } from '../core/validate/drift/summary-schema.ts';
import type { MonitorReport } from '../services/monitor-batch.ts';
import type { BatchRecord, EnclaveDB, ModelSummaryRecord } from './db.ts';
import { storageError } from './tables.ts';
import { parseRecord } from './validate.ts';

const ReportEnvelope = v.object({
  rows: v.number(),
  columns: v.array(v.object({ column: v.string(), drifted: v.boolean() })),
  driftedShare: v.number(),
  datasetDrift: v.boolean(),
  alerts: v.array(v.object({ kind: v.string(), message: v.string() }))
});

const BatchSchema: v.GenericSchema<unknown, BatchRecord> = v.object({
  id: v.string(),
  model: v.string(),
  name: v.string(),
  created: v.number(),
  fileName: v.string(),
  dataHash: v.string(),
  rows: v.number(),
  report: v.custom<MonitorReport>((x) => v.is(ReportEnvelope, x), 'not a monitoring report')
});

export async function saveBatch(db: EnclaveDB, batch: BatchRecord): Promise<void> {
  try {
    await db.transaction('rw', [db.models, db.batches], async () => {
      // The model may have been deleted while the batch was scored: its batches go with it.
      if (!(await db.models.get(batch.model))) return;
      await db.batches.add(batch);
    });
  } catch (err) {
    throw storageError(err, 'keep the batch');
  }
}

/** A model name's batches (every version), oldest first: the Monitor page's time axis. */
export async function listBatches(db: EnclaveDB, name: string): Promise<BatchRecord[]> {
  const rows = await db.batches.where('name').equals(name).toArray();
  return rows.map((r) => parseRecord(BatchSchema, r, { what: 'batch', table: 'batches', id: String(r.id) })).sort((a, b) => a.created - b.created);
}

/** A model version's training summaries, validated as a bundle's would be; undefined when none is stored yet. */
export async function getModelSummary(db: EnclaveDB, model: string): Promise<{ summary: TrainingSummary; predictions?: TrainingSummary } | undefined> {
  const raw = await db.modelSummaries.get(model);
  if (raw === undefined) return undefined;
  const r = parseRecord(v.object({ model: v.string(), summary: v.unknown(), predictions: v.optional(v.unknown()), created: v.number() }), raw, { what: 'training summary', table: 'modelSummaries', id: model });
  return { summary: parseTrainingSummary(r.summary), ...(r.predictions !== undefined ? { predictions: parseTrainingSummary(r.predictions) } : {}) };
}

export async function putModelSummary(db: EnclaveDB, record: ModelSummaryRecord): Promise<void> {
  try {
    await db.modelSummaries.put(record);
  } catch (err) {
    throw storageError(err, 'keep the training summary');
  }
}

/**
 * Training runs and their model artifacts. A run's model JSON lives in `artifacts` (key: run id), never on the run or
 * on a registered model version, so the run lists the pages read stay small; the workers read one artifact when they
 * need it. Runs stored by older builds lack `engine`, `trials` and `evaluation`, and still read.
 */
import * as v from 'valibot';
import { EnclaveError } from '../core/errors.ts';
import type { SavedModel } from '../ml/models/saved.ts';
import type { ArtifactRecord, EnclaveDB, RunRecord } from './db.ts';
import { storageError } from './tables.ts';
import { anyNumber, count, EvaluationReportSchema, MetricsSchema, parseRecord, SplitConfigSchema } from './validate.ts';

const EpochSchema = v.object({ epoch: anyNumber, loss: anyNumber, metric: anyNumber, valLoss: v.optional(anyNumber), valMetric: v.optional(anyNumber) });

const TrialSchema = v.object({
  trial: count,
  spec: v.object({ algorithm: v.string(), hyperparameters: v.record(v.string(), v.unknown()) }),
  score: v.nullable(anyNumber),
  epochs: anyNumber,
  trainMs: anyNumber,
  rung: v.optional(anyNumber),
  error: v.optional(v.string()),
  history: v.optional(v.array(EpochSchema))
});

// Typed against RunRecord: a field the record gains must be read here too, or this stops compiling.
const RunSchema: v.GenericSchema<unknown, RunRecord> = v.object({
  id: v.string(),
  dataset: v.string(),
  preparation: v.string(),
  version: v.string(),
  recipe: v.string(),
  split: SplitConfigSchema,
  target: v.string(),
  task: v.picklist(['classification', 'regression']),
  algorithm: v.string(),
  hyperparameters: v.record(v.string(), v.unknown()),
  seed: v.number(),
  backend: v.string(),
  engine: v.optional(v.picklist(['native', 'tfjs'])),
  threads: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1024))),
  status: v.picklist(['completed', 'cancelled', 'failed']),
  history: v.array(EpochSchema),
  metrics: MetricsSchema,
  evaluation: v.optional(v.object({ validation: v.optional(EvaluationReportSchema), test: v.optional(EvaluationReportSchema) })),
  durationMs: anyNumber,
  created: v.number(),
  features: v.array(v.string()),
  classNames: v.optional(v.array(v.string())),
  trials: v.optional(v.array(TrialSchema))
});

export function parseRun(raw: unknown, id: string): RunRecord {
  return parseRecord(RunSchema, raw, { what: 'run', table: 'runs', id });
}

/** The run, validated; not-found when it was deleted. */
export async function getRun(db: EnclaveDB, id: string): Promise<RunRecord> {
  const raw = await db.runs.get(id);
  if (raw === undefined) throw new EnclaveError('not-found', 'That run no longer exists.', { run: id });
  return parseRun(raw, id);
}

/** The runs of a dataset, newest first. */
export async function listRuns(db: EnclaveDB, datasetId: string): Promise<RunRecord[]> {
  const rows = await db.runs.where('dataset').equals(datasetId).toArray();
  return rows.map((r) => parseRun(r, String(r.id))).sort((a, b) => b.created - a.created);
}

/** Stores a run and its model in ONE transaction: both records or neither. */
export async function saveRunWithArtifact(db: EnclaveDB, run: RunRecord, model: SavedModel): Promise<void> {
  // Built before the transaction opens (IndexedDB commits a transaction left idle).
  const artifact: ArtifactRecord = { run: run.id, model, created: run.created };
  try {
    await db.transaction('rw', [db.runs, db.artifacts, db.preparations], async () => {
      // The dataset may have been deleted while the model trained: its run (a k-NN one holds its rows) must not
      // outlive it.
      if (!(await db.preparations.get(run.preparation)))
        throw new EnclaveError('not-found', 'The prepared data this run trained on was deleted while it trained; the run was not kept.', { preparation: run.preparation });
      await db.runs.add(run);
      await db.artifacts.add(artifact);
    });
  } catch (err) {
    throw storageError(err, 'save the run');
  }
}

/**
 * Stores a cancelled run (./cancelled-run.ts builds it): its curves and candidates so far, no model artifact, so it
 * is compared but never promoted. Validated as every read is, so a bad record never reaches the table.
 */
export async function saveCancelledRun(db: EnclaveDB, run: RunRecord): Promise<void> {
  if (run.status !== 'cancelled') throw new EnclaveError('invalid-argument', 'Only a cancelled run is kept without its model.', { run: run.id });
  const checked = parseRun(run, run.id);
  try {
    await db.transaction('rw', [db.runs, db.preparations], async () => {
      if (!(await db.preparations.get(checked.preparation)))
        throw new EnclaveError('not-found', 'The prepared data this run trained on was deleted; the cancelled run was not kept.', { preparation: checked.preparation });
      await db.runs.add(checked);
    });
  } catch (err) {
    throw storageError(err, 'keep the cancelled run');
  }
}

// The outline only: modelFromJSON checks the spec and every weight when a model is made of it.
const SavedOutline = v.looseObject({ format: v.literal('enclave-model'), weights: v.array(v.unknown()) });
const ArtifactModelSchema = v.custom<SavedModel>((x) => v.is(SavedOutline, x), 'not a saved Enclave model');
const ArtifactSchema: v.GenericSchema<unknown, ArtifactRecord> = v.object({ run: v.string(), model: ArtifactModelSchema, created: v.number() });

/** The model JSON of a run (a registered model version passes its `run`). */
export async function getArtifact(db: EnclaveDB, runId: string): Promise<SavedModel> {
  const raw = await db.artifacts.get(runId);
  if (raw === undefined) throw new EnclaveError('not-found', "This run's trained model is no longer stored.", { run: runId });
  return parseRecord(ArtifactSchema, raw, { what: 'model of run', table: 'artifacts', id: runId }).model;
}

/**
 * What exists for one dataset along the workflow (preparations, runs, registered versions, scored batches), counted
 * by index for the guide's stepper and next actions; and how many federations this device finished.
 */
import type { EnclaveDB } from './db.ts';

export interface WorkflowCounts {
  preparations: number;
  runs: number;
  /** Versions registered from the dataset's runs, newest first. */
  models: { name: string; version: string }[];
  batches: number;
}

export async function workflowCounts(db: EnclaveDB, dataset: string): Promise<WorkflowCounts> {
  const preparations = await db.preparations.where('dataset').equals(dataset).count();
  // A cancelled run is kept with its curves, but nothing was trained to evaluate or promote: it does not count.
  const runIds = (await db.runs.where('dataset').equals(dataset).filter((r) => r.status !== 'cancelled').primaryKeys()) as string[];
  const models = runIds.length ? await db.models.where('run').anyOf(runIds).toArray() : [];
  const batches = models.length ? await db.batches.where('model').anyOf(models.map((m) => m.id)).count() : 0;
  models.sort((a, b) => b.created - a.created);
  return { preparations, runs: runIds.length, models: models.map((m) => ({ name: String(m.name), version: String(m.version) })), batches };
}

export async function finishedFederations(db: EnclaveDB): Promise<number> {
  return db.federations.filter((f) => f.status === 'finished').count();
}

/**
 * Runs and their model artifacts. A run's model JSON lives in `artifacts` (key: run id), never on the run or on a
 * registered model version, so the lists the pages read stay small; the workers read one artifact when they need it.
 */
import { EnclaveError } from '../core/errors.ts';
import type { ArtifactRecord, EnclaveDB, RunRecord } from './db.ts';
import { storageError } from './tables.ts';

/** Stores a run and its model in ONE transaction: both records or neither. */
export async function saveRunWithArtifact(db: EnclaveDB, run: RunRecord, model: unknown): Promise<void> {
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

/** The model JSON of a run (a registered model version passes its `run`). */
export async function getArtifact(db: EnclaveDB, runId: string): Promise<unknown> {
  const artifact = await db.artifacts.get(runId);
  if (!artifact) throw new EnclaveError('not-found', "This run's trained model is no longer stored.", { run: runId });
  return artifact.model;
}

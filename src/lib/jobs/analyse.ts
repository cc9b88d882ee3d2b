/**
 * The analyse job (train worker): loads a run's model, its validation split and the source table, and hands them to
 * the store-free error analysis (src/lib/services/analyse.ts).
 */
import { initBackend } from '../ml/backend.ts';
import { toDataset } from '../ml/matrix.ts';
import { modelFromJSON } from '../ml/train.ts';
import { throwIfAborted } from '../core/errors.ts';
import { db as defaultDb, type EnclaveDB } from '../store/db.ts';
import { getPreparation } from '../store/preparations.ts';
import { loadTable } from '../store/load-table.ts';
import { getArtifact, getRun } from '../store/runs.ts';
import { analyseModel, type Analysis } from '../services/analyse.ts';
import { trainedOn } from './train-job.ts';

export type { Analysis };

export async function analyse(runId: string, sliceColumn: string | null, database: EnclaveDB = defaultDb(), signal?: AbortSignal): Promise<Analysis> {
  const run = await getRun(database, runId);
  await initBackend(trainedOn(run));
  const prep = await getPreparation(database, run.preparation);
  const shape = { task: run.task, features: run.features, classNames: run.classNames };
  const validation = toDataset(await loadTable(database, prep.splits.validation), run.target, shape);
  const source = await loadTable(database, prep.source);
  throwIfAborted(signal);
  const model = modelFromJSON(await getArtifact(database, run.id));
  try {
    const { method, fractions, seed, target, group, time } = prep.split;
    return await analyseModel({ model, validation, source, split: { method, fractions, seed, target, group, time }, seed: run.seed, sliceColumn, signal });
  } finally {
    model.dispose();
  }
}

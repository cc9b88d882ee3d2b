/**
 * The analyse job (train worker): loads a run's model, its validation split and the source table, and hands them to
 * the store-free error analysis (src/lib/services/analyse.ts).
 */
import { loadDataset } from './load-dataset.ts';
import { initBackend } from '../ml/backend.ts';
import { modelFromJSON } from '../ml/train.ts';
import { EnclaveError, throwIfAborted } from '../core/errors.ts';
import { db as defaultDb, type EnclaveDB } from '../store/db.ts';
import { getPreparation } from '../store/preparations.ts';
import { loadTable } from '../store/load-table.ts';
import { getArtifact, getRun } from '../store/runs.ts';
import { analyseModel, type Analysis, type AnalyseProgress } from '../services/analyse.ts';
import { trainedOn } from './train-job.ts';

export type { Analysis, AnalyseProgress };

export async function analyse(runId: string, sliceColumn: string | null, database: EnclaveDB = defaultDb(), signal?: AbortSignal, onProgress?: (p: AnalyseProgress) => void): Promise<Analysis> {
  // Loading: the run, its backend, the validation split, the source table, the model (five steps).
  const loaded = (done: number) => onProgress?.({ stage: 'load', done, total: 5 });
  loaded(0);
  const run = await getRun(database, runId);
  if (run.status !== 'completed') throw new EnclaveError('invalid-argument', `This run was ${run.status} before it finished: it has no model to analyse.`, { run: run.id });
  loaded(1);
  await initBackend(trainedOn(run));
  loaded(2);
  const prep = await getPreparation(database, run.preparation);
  const shape = { task: run.task, features: run.features, classNames: run.classNames };
  const validation = await loadDataset(database, prep.splits.validation, run.target, shape);
  loaded(3);
  const source = await loadTable(database, prep.source);
  loaded(4);
  throwIfAborted(signal);
  const model = modelFromJSON(await getArtifact(database, run.id));
  loaded(5);
  try {
    const { method, fractions, seed, target, group, time } = prep.split;
    return await analyseModel({ model, validation, source, split: { method, fractions, seed, target, group, time }, seed: run.seed, sliceColumn, signal, onProgress });
  } finally {
    model.dispose();
  }
}

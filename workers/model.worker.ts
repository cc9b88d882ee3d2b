/**
 * The model worker: what is done with a trained run — promote (its sealed test split scored once), predict with a
 * registered model, analyse a run's errors. tfjs loads here too, on the first of these.
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { promote, predict } from '../src/lib/jobs/train-job.ts';
import { analyse } from '../src/lib/jobs/analyse.ts';
import type { InputRecord } from '../src/lib/core/table-from-records.ts';

const api = {
  promote: (runId: string, name: string) => promote(runId, name),
  predict: (modelId: string, records: readonly InputRecord[]) => predict(modelId, records),
  analyse: (runId: string, sliceColumn: string | null) => analyse(runId, sliceColumn)
};

export type ModelWorkerApi = typeof api;
expose(api);

/**
 * The model worker: what is done with a trained run — promote (its sealed test split scored once), predict with a
 * registered model, analyse a run's errors. tfjs loads here too, on the first of these.
 */
import { expose, transferred } from '../src/lib/bridge/expose.ts';
import { promote, predict } from '../src/lib/jobs/train-job.ts';
import { analyse } from '../src/lib/jobs/analyse.ts';
import type { InputRecord } from '../src/lib/core/table-from-records.ts';
import { scoreBatch, type ScoreBatchProgress, type ScoreBatchRequest } from '../src/lib/jobs/score-batch-job.ts';

const api = {
  promote: (runId: string, name: string) => promote(runId, name),
  predict: (modelId: string, records: readonly InputRecord[]) => predict(modelId, records),
  analyse: (runId: string, sliceColumn: string | null) => analyse(runId, sliceColumn),
  // The CSV's buffer is moved to the page, not copied (a million rows' CSV is tens of MB).
  scoreBatch: async (req: ScoreBatchRequest, onProgress: (p: ScoreBatchProgress) => void) => {
    const r = await scoreBatch(req, { onProgress });
    return transferred(r, [r.csv.buffer as ArrayBuffer]);
  }
};

export type ModelWorkerApi = typeof api;
expose(api);

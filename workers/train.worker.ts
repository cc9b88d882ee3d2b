/**
 * The train worker: tfjs lives here only (its backends load lazily, once). Training, promotion (the sealed test
 * split scored once) and prediction run here; the page receives runs, metrics and per-epoch logs.
 */
import * as Comlink from 'comlink';
import { train, tune, promote, predict, type TrainRequest, type TuneRequest, type TrainJobProgress } from '../src/lib/jobs/train-job.ts';
import { asJob, cancelJob } from './job.ts';
import type { InputRecord } from '../src/lib/core/table-from-records.ts';
import { analyse } from '../src/lib/jobs/analyse.ts';

const api = {
  async train(jobId: string, req: TrainRequest, onProgress: (p: TrainJobProgress) => void) {
    return asJob(jobId, (signal) => train(req, { signal, onProgress }));
  },
  async tune(jobId: string, req: TuneRequest, onProgress: (p: TrainJobProgress) => void) {
    return asJob(jobId, (signal) => tune(req, { signal, onProgress }));
  },
  async promote(runId: string, name: string) {
    return asJob(crypto.randomUUID(), () => promote(runId, name));
  },
  async predict(modelId: string, records: readonly InputRecord[]) {
    return asJob(crypto.randomUUID(), () => predict(modelId, records));
  },
  async analyse(runId: string, sliceColumn: string | null) {
    return asJob(crypto.randomUUID(), () => analyse(runId, sliceColumn));
  },
  cancel(jobId: string): void {
    cancelJob(jobId);
  }
};

export type TrainWorkerApi = typeof api;
Comlink.expose(api);

/**
 * The data worker: import (parse → hash → profile → store) and previews. Everything O(rows) about a dataset runs here;
 * the page only receives summaries. Storage happens here too, so a large table is never cloned to the UI thread.
 */
import * as Comlink from 'comlink';
import { importFile, preview, type ImportRequest, type JobProgress } from '../src/lib/jobs/import-job.ts';
import { asJob, cancelJob } from './job.ts';
import { prepare, previewStep, type PrepareRequest, type PrepareJobProgress } from '../src/lib/jobs/prepare-job.ts';
import type { SplitOptions } from '../src/lib/core/split.ts';

const api = {
  async importFile(jobId: string, req: ImportRequest, onProgress: (p: JobProgress) => void) {
    return asJob(jobId, (signal) => importFile(req, { signal, onProgress }));
  },
  async preview(hash: string, start: number, count: number) {
    return asJob(crypto.randomUUID(), () => preview(hash, start, count));
  },
  async prepare(jobId: string, req: PrepareRequest, onProgress: (p: PrepareJobProgress) => void) {
    return asJob(jobId, (signal) => prepare(req, { signal, onProgress }));
  },
  async previewStep(source: string, recipe: unknown, split: SplitOptions, index: number) {
    return asJob(crypto.randomUUID(), () => previewStep(source, recipe, split, index));
  },
  cancel(jobId: string): void {
    cancelJob(jobId);
  }
};

export type DataWorkerApi = typeof api;
Comlink.expose(api);

/**
 * The data worker: import (parse → hash → profile → store) and prepare (split → fit → validate → store). Everything
 * O(rows) about a dataset runs here and is stored from here, so a large table is never cloned to the UI thread; the
 * page only receives summaries. Cancelling a job terminates this worker (src/lib/bridge/connect.ts).
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { importFile, type ImportRequest, type JobProgress } from '../src/lib/jobs/import-job.ts';
import { prepare, type PrepareRequest, type PrepareJobProgress } from '../src/lib/jobs/prepare-job.ts';

const api = {
  importFile: (req: ImportRequest, onProgress: (p: JobProgress) => void) => importFile(req, { onProgress }),
  prepare: (req: PrepareRequest, onProgress: (p: PrepareJobProgress) => void) => prepare(req, { onProgress })
};

export type DataWorkerApi = typeof api;
expose(api);

/**
 * The data worker: import (parse → hash → profile → store) and prepare (split → fit → validate → store). Everything
 * O(rows) about a dataset runs here and is stored from here, so a large table is never cloned to the UI thread; the
 * page only receives summaries. Cancelling a job terminates this worker (src/lib/bridge/connect.ts).
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { importFile, previewFile, type ImportRequest, type JobProgress } from '../src/lib/jobs/import-job.ts';
import type { ImportOptions } from '../src/lib/core/io/import-options.ts';
import { prepare, type PrepareRequest, type PrepareJobProgress } from '../src/lib/jobs/prepare-job.ts';
import { prestartHelper } from '../src/lib/jobs/helper-client.ts';
import { receiveSource, sendSource } from '../src/lib/jobs/source-cache.ts';

const api = {
  importFile: (req: ImportRequest, onProgress: (p: JobProgress) => void) => importFile(req, { onProgress }),
  previewFile: (file: File, options: ImportOptions) => previewFile(file, options),
  prepare: (req: PrepareRequest, onProgress: (p: PrepareJobProgress) => void) => prepare(req, { onProgress }),
  // The table kept since the last import or prepare, moved to the next data worker (bridge/client.ts renewDataWorker).
  sendSource: async (port: MessagePort) => sendSource(port),
  receiveSource: (port: MessagePort) => receiveSource(port)
};

export type DataWorkerApi = typeof api;
expose(api);
prestartHelper(); // the first import's helper, loading while the page waits for a file

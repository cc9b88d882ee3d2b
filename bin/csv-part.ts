/**
 * A second reader for a large CSV in the headless runner (readTable's splitCsv): a worker thread parses the file's
 * second half while this thread parses the first, as the studio's import helper does in the browser. Only where there
 * is a second core.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TablePart } from '../src/lib/core/io/assemble.ts';
import type { CsvSplitRequest } from '../src/lib/core/io/source.ts';
import { EnclaveError, type ErrorShape } from '../src/lib/core/errors.ts';

const ENTRY = new URL('../workers/node-entry.mjs', import.meta.url);
const SOURCE = new URL('./csv-part.worker.ts', import.meta.url).href;

export function csvPartReader(path: string): ((req: CsvSplitRequest) => Promise<TablePart>) | undefined {
  if (availableParallelism() < 2) return undefined;
  return (req) =>
    new Promise<TablePart>((resolve, reject) => {
      const w = new Worker(ENTRY, { name: 'enclave-csv-part', workerData: { module: SOURCE, path, ...req } });
      w.once('message', (m: { part?: TablePart; error?: ErrorShape }) => {
        void w.terminate();
        if (m.part) resolve(m.part);
        else reject(new EnclaveError(m.error?.code ?? 'internal', m.error?.message ?? 'The second CSV reader failed.', m.error?.detail));
      });
      w.once('error', reject);
    });
}

/**
 * The headless runner compares the three source splits (drift of every column, core/validate/compare-splits.ts) on a
 * worker thread while this one fits and applies the recipe: at 5M rows the comparison's sorts are seconds. The splits
 * are copied to the thread a column at a time before compareInThread returns, so this thread may release its own at once. Only with a second
 * core and enough rows to pay for the thread's start.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PrepareOptions } from '../src/lib/core/prepare.ts';
import type { SplitComparison } from '../src/lib/core/validate/compare-splits.ts';
import { EnclaveError, type ErrorShape } from '../src/lib/core/errors.ts';

/** Fewer source rows than this are compared on the calling thread (a thread's start is ~0.2 s). */
const THREAD_ROWS = 200_000;

const ENTRY = new URL('../workers/node-entry.mjs', import.meta.url);
const SOURCE = new URL('./compare-splits.worker.ts', import.meta.url).href;

/** compareInThread where it pays (a second core, enough rows), else undefined: compared on the calling thread. */
export function splitComparer(rows: number): PrepareOptions['compareElsewhere'] {
  return availableParallelism() < 2 || rows < THREAD_ROWS ? undefined : compareInThread;
}

/** compareSplits on a worker thread; the splits are copied to it before this returns. */
export function compareInThread(...[splits, opts]: Parameters<NonNullable<PrepareOptions['compareElsewhere']>>): Promise<SplitComparison> {
  return new Promise<SplitComparison>((resolve, reject) => {
    const rows = { train: splits.train.rowCount, validation: splits.validation.rowCount, test: splits.test.rowCount };
    const w = new Worker(ENTRY, { name: 'enclave-compare-splits', workerData: { module: SOURCE, rows, opts } });
    w.unref();
    // A column a message: each is copied as it is posted, so no single message holds all three splits at once.
    for (const split of ['train', 'validation', 'test'] as const) for (const column of splits[split].columns) w.postMessage({ split, column });
    w.postMessage({ compare: true });
    w.once('message', (m: { comparison?: SplitComparison; error?: ErrorShape }) => {
      void w.terminate();
      if (m.comparison) resolve(m.comparison);
      else reject(new EnclaveError(m.error?.code ?? 'internal', m.error?.message ?? 'The split comparison failed.', m.error?.detail));
    });
    w.once('error', reject);
  });
}

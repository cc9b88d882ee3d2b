/**
 * The headless runner's split comparison (a worker thread, started through workers/node-entry.mjs by
 * bin/compare-splits.ts): compareSplits of the three source splits it was sent, posted back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../src/lib/core/errors.ts';
import { compareSplits, type CompareOptions, type SplitTables } from '../src/lib/core/validate/compare-splits.ts';

const { splits, opts } = workerData as { splits: SplitTables; opts: CompareOptions };
try {
  parentPort!.postMessage({ comparison: compareSplits(splits, opts) });
} catch (e) {
  parentPort!.postMessage({ error: toErrorShape(e) });
}

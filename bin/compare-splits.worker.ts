/**
 * The headless runner's split comparison (a worker thread, started through workers/node-entry.mjs by
 * bin/compare-splits.ts): the three source splits arrive a column a message (so no message holds a whole copy), then
 * 'compare'; compareSplits' result is posted back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../src/lib/core/errors.ts';
import type { Column } from '../src/lib/core/table.ts';
import { compareSplits, type CompareOptions, type SplitTables } from '../src/lib/core/validate/compare-splits.ts';

const { rows, opts } = workerData as { rows: Record<keyof SplitTables, number>; opts: CompareOptions };
const columns: Record<keyof SplitTables, Column[]> = { train: [], validation: [], test: [] };
parentPort!.on('message', (m: { split: keyof SplitTables; column: Column } | { compare: true }) => {
  if (!('compare' in m)) {
    columns[m.split].push(m.column);
    return;
  }
  try {
    const splits = Object.fromEntries((['train', 'validation', 'test'] as const).map((s) => [s, { rowCount: rows[s], columns: columns[s] }])) as SplitTables;
    parentPort!.postMessage({ comparison: compareSplits(splits, opts) });
  } catch (e) {
    parentPort!.postMessage({ error: toErrorShape(e) });
  }
});

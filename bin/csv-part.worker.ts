/**
 * The headless runner's second CSV reader (a worker thread, started through workers/node-entry.mjs by
 * bin/csv-part.ts): parses the file from workerData.start on (parseCsvPart, as the studio's import helper does)
 * and posts the part back, its buffers moved.
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parseCsvPart } from '../src/lib/core/io/csv-fast.ts';
import { toErrorShape } from '../src/lib/core/errors.ts';

const { path, start, delimiter, names } = workerData as { path: string; start: number; delimiter: string; names: string[] };
try {
  const blob = (await openAsBlob(path)).slice(start);
  const part = await parseCsvPart({ name: basename(path), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> }, delimiter, names);
  const buffers = new Set<ArrayBuffer>();
  for (const c of part.columns) for (const a of [c.valid, c.values, c.codes]) if (a) buffers.add(a.buffer as ArrayBuffer);
  parentPort!.postMessage({ part }, [...buffers]);
} catch (e) {
  parentPort!.postMessage({ error: toErrorShape(e) });
}

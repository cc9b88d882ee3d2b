/**
 * The helper worker (workers/import-helper.worker.ts) as the data worker's jobs start it: where the runtime has
 * workers and a second core (the browser; not Node, where the jobs run everything on their own thread). The import
 * job reads half a large CSV there, and hashes and correlates the table.
 */
import { connect, type Client } from '../bridge/connect.ts';
import type { ImportHelperApi } from '../../../workers/import-helper.worker.ts';

/**
 * A helper started ahead of the next job: the data worker starts one as it loads (and the Data page starts the data
 * worker as it opens), so an import's second half need not wait the ~0.2 s a worker takes to load — the first half
 * waited for it, a tenth of a 100 MB import.
 */
let spare: Client<ImportHelperApi> | null = null;

/** Starts the next job's helper now. */
export function prestartHelper(): void {
  spare ??= startHelper();
}

/** A started helper (the one started ahead, if any), or null where there is none to start. It is the job's to close. */
export function startHelperClient(): Client<ImportHelperApi> | null {
  const taken = spare;
  spare = null;
  return taken ?? startHelper();
}

function startHelper(): Client<ImportHelperApi> | null {
  // Only worth it with a second core to run on.
  if (typeof Worker === 'undefined' || (globalThis.navigator?.hardwareConcurrency ?? 2) < 2) return null;
  const client = connect<ImportHelperApi>('import helper', () => new Worker(new URL('../../../workers/import-helper.worker.ts', import.meta.url), { type: 'module', name: 'enclave-import-helper' }));
  try {
    client.warm(); // started now, so that it has loaded by the time it is asked
  } catch {
    return null;
  }
  return client;
}

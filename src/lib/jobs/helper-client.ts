/**
 * The helper worker (workers/import-helper.worker.ts) as the data worker's jobs start it: where the runtime has
 * workers and a second core (the browser; not Node, where the jobs run everything on their own thread). The import
 * job reads half a large CSV there, and hashes and correlates the table.
 */
import { connect, type Client } from '../bridge/connect.ts';
import type { ImportHelperApi } from '../../../workers/import-helper.worker.ts';

/** A started helper, or null where there is none to start. */
export function startHelperClient(): Client<ImportHelperApi> | null {
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

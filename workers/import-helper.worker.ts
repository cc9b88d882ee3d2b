/**
 * The import helper (started by the data worker for a large import): serves src/lib/jobs/import-helper.ts through
 * the bridge.
 */
import { expose } from '../src/lib/bridge/expose.ts';
import { importHelper } from '../src/lib/jobs/import-helper.ts';

export type ImportHelperApi = typeof importHelper;
expose(importHelper);

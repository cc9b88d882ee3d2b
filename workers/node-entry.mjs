// A worker thread's entry in Node (the headless runner, the tests): Node 20 does not pass the parent's loaders (the
// CLI's --import tsx) on to a thread, so this registers tsx, then loads the TypeScript module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);

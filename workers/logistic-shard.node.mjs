// The logistic shard worker's entry in Node (src/lib/ml/native/shard-worker.ts starts it as a worker thread): Node 20
// does not pass the parent's loaders (the CLI's --import tsx) on to a thread, so this registers tsx, then loads the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./logistic-shard.worker.ts');

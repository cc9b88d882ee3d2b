/**
 * Starts a shard worker (workers/logistic-shard.worker.ts) and gives the main side of its channel: a dedicated
 * module worker where the runtime has Worker (the browser, and the train worker inside it), a node:worker_threads
 * thread in Node (which loads the TypeScript source through tsx, as the headless runner and the tests do). Null where neither is possible.
 */
export interface ShardWorker {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Each message, and (as an Error) the worker's failure. */
  listen(onMessage: (message: unknown) => void, onError: (e: Error) => void): void;
  terminate(): void;
}

/**
 * In Node, from this file (names, not literals, so that the browser build leaves them alone): the thread's entry,
 * which registers tsx and then loads the TypeScript worker.
 */
const NODE_ENTRY = '../../../../workers/node-entry.mjs';
const NODE_SOURCE = '../../../../workers/logistic-shard.worker.ts';

export async function spawnShardWorker(): Promise<ShardWorker | null> {
  if (typeof Worker === 'function') {
    const w = new Worker(new URL('../../../../workers/logistic-shard.worker.ts', import.meta.url), { type: 'module', name: 'enclave-logistic-shard' });
    return {
      post: (m, t) => w.postMessage(m, t ?? []),
      listen: (onMessage, onError) => {
        w.addEventListener('message', (e) => onMessage(e.data));
        w.addEventListener('error', (e) => onError(new Error(e.message || 'The logistic shard worker failed to start.')));
      },
      terminate: () => w.terminate(),
    };
  }
  if (typeof process !== 'object' || !process.versions?.node) return null;
  const name = 'node:worker_threads';
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  const w = new NodeWorker(new URL(NODE_ENTRY, import.meta.url), { name: 'enclave-logistic-shard', workerData: { module: new URL(NODE_SOURCE, import.meta.url).href } });
  w.unref(); // never what keeps the process alive
  return {
    post: (m, t) => w.postMessage(m, (t ?? []) as never),
    listen: (onMessage, onError) => {
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', (code) => code !== 0 && onError(new Error(`The logistic shard worker stopped (exit code ${code}).`)));
    },
    terminate: () => void w.terminate(),
  };
}

/** Cores this runtime may use (at least 1). */
export async function coreCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (typeof process === 'object' && process.versions?.node) {
    const name = 'node:os';
    const os = (await import(/* @vite-ignore */ name)) as typeof import('node:os');
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  return 1;
}

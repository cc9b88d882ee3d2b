/**
 * A shard of the logistic L-BFGS passes (src/lib/ml/native/logistic-shard-host.ts): a dedicated worker in the browser,
 * a node:worker_threads thread in Node (the headless runner). It says 'hello' once it listens.
 */
import { serveShard, type ShardChannel } from '../src/lib/ml/native/logistic-shard-host.ts';

interface WebScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
}

async function channel(): Promise<ShardChannel> {
  const scope = globalThis as unknown as Partial<WebScope>;
  if (typeof scope.postMessage === 'function' && typeof scope.addEventListener === 'function') {
    const web = scope as WebScope;
    return { post: (m, t) => web.postMessage(m, t ?? []), listen: (h) => web.addEventListener('message', (e) => h(e.data)) };
  }
  const name = 'node:worker_threads'; // a name, not a literal: the browser build does not bundle it
  const { parentPort } = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  if (!parentPort) throw new Error('Not started as a worker.');
  return { post: (m, t) => parentPort.postMessage(m, (t ?? []) as never), listen: (h) => parentPort.on('message', h) };
}

channel().then((c) => {
  serveShard(c);
  c.post({ type: 'hello' });
});

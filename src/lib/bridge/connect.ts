/**
 * The UI side of the bridge: `connect<Api>(name, factory)` gives a typed client of one worker. Each call is a Job.
 * The worker is created on the first call, not before. Its calls run one after another, in order (a worker's jobs
 * share its thread anyway). Cancelling the running job terminates the worker, since a worker deep in synchronous work
 * never reads a cancel message; its result rejects with `cancelled` at once and the next call starts a fresh worker
 * (everything a job needs is in IndexedDB). Cancelling a queued job only drops it: the running one goes on.
 */
import * as Comlink from 'comlink';
import { EnclaveError } from '../core/errors.ts';
import { asEnclaveError, cancelledError, type Job } from './job.ts';
import { READY, type ApiFunction, type Call, type Wire } from './wire.ts';

/** What the bridge needs of a Worker (a fake one in tests). */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

/** The UI-side client: each API function, with the same arguments, returning a Job of its result. */
export type Client<A> = {
  readonly [K in keyof A]: A[K] extends (...args: infer P) => Promise<infer R> ? (...args: P) => Job<R> : never;
} & {
  /** Starts the worker now (if it is not running), so that it has loaded by the first call. Throws if it cannot. */
  warm(): void;
  /** Terminates the worker (if any) and rejects every job, running or queued, with `cancelled`. */
  close(): void;
  /**
   * Terminates the worker if it is idle (no job running or queued), giving its memory back — a worker's garbage and
   * caches are collected only when it allocates again, and other workers of the tab can't use that memory meanwhile.
   * The next call starts a fresh worker. Does nothing while a job runs or waits.
   */
  release(): void;
  /**
   * Terminates the worker once the calls made before have run, so that the calls made after start a fresh one (its
   * garbage and caches gone): a hand-over from the old worker to the new queues a call on each side of it.
   */
  restart(): void;
};

interface Pending {
  id: string;
  name: string;
  args: unknown[];
  resolve(value: unknown): void;
  reject(err: EnclaveError): void;
  settled: boolean;
  /** The UI ends of the call's callback ports, closed when the job ends. */
  ports: MessagePort[];
  /** Not a call: the worker is terminated here in the queue (restart()). */
  restart?: true;
}

export function connect<A extends { [K in keyof A]: ApiFunction }>(name: string, factory: () => WorkerLike): Client<A> {
  let worker: { endpoint: WorkerLike; remote: Comlink.Remote<Wire> } | null = null;
  let running: Pending | null = null;
  const queue: Pending[] = [];

  function spawn() {
    const endpoint = factory();
    const remote = Comlink.wrap<Wire>(endpoint);
    const current = { endpoint, remote };
    const fail = (message: string) => {
      if (worker !== current) return;
      stop();
      if (running) settle(running, new EnclaveError('internal', message));
    };
    let ready = false;
    endpoint.addEventListener('message', (e) => {
      if ((e as MessageEvent).data?.[READY] === true) ready = true;
    });
    endpoint.addEventListener('error', (e) => {
      // After `expose` has run, an uncaught error is one of some callback's (tfjs's, say): the job may still end, and
      // Cancel still stops it. Before, the worker could not load or evaluate, and no job of it will ever end.
      if (ready) return;
      (e as Event).preventDefault?.();
      const why = (e as ErrorEvent).message;
      fail(`The ${name} worker could not start${why ? `: ${why}` : ''}.`);
    });
    endpoint.addEventListener('messageerror', () => fail(`A reply from the ${name} worker could not be read.`));
    return current;
  }

  function stop() {
    worker?.endpoint.terminate();
    worker = null;
  }

  function settle(job: Pending, err: EnclaveError | null, value?: unknown) {
    if (job.settled) return;
    job.settled = true;
    for (const port of job.ports) port.close();
    if (err) job.reject(err);
    else job.resolve(value);
    if (running === job) {
      running = null;
      pump();
    }
  }

  function pump() {
    if (running || !queue.length) return;
    const job = queue.shift()!;
    if (job.restart) {
      stop();
      settle(job, null);
      pump();
      return;
    }
    running = job;
    try {
      worker ??= spawn();
    } catch (err) {
      settle(job, new EnclaveError('internal', `The ${name} worker could not start: ${asEnclaveError(err).message}`));
      return;
    }
    const args = job.args.slice();
    const callbacks: [number, MessagePort][] = [];
    args.forEach((arg, index) => {
      if (typeof arg !== 'function') return;
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = (e: MessageEvent) => (arg as (v: unknown) => void)(e.data);
      job.ports.push(port1);
      callbacks.push([index, port2]);
      args[index] = null;
    });
    const call: Call = { name: job.name, args, callbacks };
    // A MessagePort argument moves to the worker (a channel to another worker, say).
    const ports = args.filter((a): a is MessagePort => typeof MessagePort === 'function' && a instanceof MessagePort);
    worker.remote.run(Comlink.transfer(call, [...callbacks.map(([, port]) => port), ...ports])).then(
      (value) => settle(job, null, value),
      (err) => settle(job, asEnclaveError(err))
    );
  }

  function cancel(job: Pending) {
    if (job.settled) return;
    if (running === job) stop(); // the only way to stop synchronous work
    else queue.splice(queue.indexOf(job), 1);
    settle(job, cancelledError());
  }

  function call(fnName: string, args: unknown[]): Job<unknown> {
    let job!: Pending;
    const result = new Promise<unknown>((resolve, reject) => {
      job = { id: crypto.randomUUID(), name: fnName, args, resolve, reject, settled: false, ports: [] };
    });
    queue.push(job);
    pump();
    return { id: job.id, result, cancel: () => cancel(job) };
  }

  function close() {
    for (const job of queue.splice(0)) settle(job, cancelledError());
    stop();
    if (running) settle(running, cancelledError());
  }

  function warm() {
    worker ??= spawn();
  }

  function release() {
    if (!running && queue.length === 0) stop();
  }

  function restart() {
    queue.push({ id: crypto.randomUUID(), name: 'restart', args: [], resolve() {}, reject() {}, settled: false, ports: [], restart: true });
    pump();
  }

  return new Proxy({} as Client<A>, {
    get(_target, prop) {
      if (prop === 'close') return close;
      if (prop === 'warm') return warm;
      if (prop === 'release') return release;
      if (prop === 'restart') return restart;
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (...args: unknown[]) => call(prop, args);
    }
  });
}

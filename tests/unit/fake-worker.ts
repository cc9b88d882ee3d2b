/**
 * Test helper: an in-process stand-in for a Worker. The "worker" side is the API exposed on one end of a
 * MessageChannel; the Worker object posts on the other end; terminate() closes the channel, so nothing more crosses
 * either way (as with a real worker, whose thread is gone). Not a test file.
 */
import { expose } from '../../src/lib/bridge/expose.ts';
import type { WorkerLike } from '../../src/lib/bridge/connect.ts';
import type { ApiFunction } from '../../src/lib/bridge/wire.ts';

export class FakeWorker extends EventTarget implements WorkerLike {
  terminated = false;
  readonly #port: MessagePort;
  constructor(port: MessagePort) {
    super();
    this.#port = port;
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.#port.postMessage(message, transfer);
  }
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    if (type !== 'message' && type !== 'messageerror') return super.addEventListener(type, listener, options);
    this.#port.addEventListener(type, listener as EventListener, options);
    this.#port.start();
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void {
    if (type !== 'message' && type !== 'messageerror') return super.removeEventListener(type, listener, options);
    this.#port.removeEventListener(type, listener as EventListener, options);
  }
  terminate(): void {
    this.terminated = true;
    this.#port.close();
  }
}

/** A factory for connect() that serves `api` from a fresh fake worker each time, and the workers it made. */
export function fakeWorkers<A extends { [K in keyof A]: ApiFunction }>(api: A): { made: FakeWorker[]; factory: () => FakeWorker } {
  const made: FakeWorker[] = [];
  return {
    made,
    factory() {
      const { port1, port2 } = new MessageChannel();
      expose(api, port2);
      const worker = new FakeWorker(port1);
      made.push(worker);
      return worker;
    }
  };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * The worker side of the bridge: `expose(api)` serves an object of plain async functions. Each call's error is sent
 * as { code, message, detail } (comlink would keep only an Error's message), and each callback argument becomes a
 * function that posts to that call's own port.
 */
import * as Comlink from 'comlink';
import { EnclaveError, toErrorShape } from '../core/errors.ts';
import { READY, type ApiFunction, type Call, type Wire } from './wire.ts';

/** Marks `value` so that the listed buffers are moved to the other side with it, not copied. */
export function transferred<T>(value: T, buffers: Transferable[]): T {
  return Comlink.transfer(value, buffers);
}

export function expose<A extends { [K in keyof A]: ApiFunction }>(api: A, endpoint?: Comlink.Endpoint): void {
  const wire: Wire = {
    async run(call: Call) {
      try {
        // The name comes from the other side: only the API's own functions run.
        const fn = typeof call?.name === 'string' && Object.hasOwn(api, call.name) ? (api as Record<string, unknown>)[call.name] : undefined;
        if (typeof fn !== 'function') throw new EnclaveError('internal', `This worker has no job named “${String(call?.name)}”.`);
        const args = Array.isArray(call.args) ? call.args.slice() : [];
        for (const [index, port] of call.callbacks ?? []) args[index] = (value: unknown) => port.postMessage(value);
        return await (fn as ApiFunction)(...args);
      } catch (err) {
        throw toErrorShape(err);
      }
    }
  };
  const ep = endpoint ?? (globalThis as unknown as Comlink.Endpoint);
  Comlink.expose(wire, ep);
  // The module has loaded and evaluated: from now on an uncaught error here does not mean the worker is dead.
  ep.postMessage({ [READY]: true });
}

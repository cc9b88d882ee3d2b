/**
 * What crosses a worker boundary for one call. comlink carries it (request ids, replies, thrown values); the bridge
 * adds its own rules on top: a function argument travels as a MessagePort of its own (progress callbacks, one-way, so
 * the UI side can close it when the job ends), and a thrown error travels as a plain { code, message, detail }.
 */
import type { ErrorShape } from '../core/errors.ts';

export interface Call {
  /** The API function to run. */
  name: string;
  /** Its arguments; a callback's place holds null, and its port is in `callbacks`. A MessagePort argument is moved. */
  args: unknown[];
  /** [argument index, port] for each function argument. */
  callbacks: [number, MessagePort][];
}

/** The key of the message `expose` sends once the worker serves (comlink ignores messages without an id). */
export const READY = 'enclave-bridge-ready';

/** The one object `expose` hands to comlink. */
export interface Wire {
  run(call: Call): Promise<unknown>;
}

/** An async function of a worker's API: arguments and result are structured-cloneable, except callback arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiFunction = (...args: any[]) => Promise<unknown>;

export type { ErrorShape };

/**
 * A job: one call to a worker, as the UI sees it. `result` settles once; `cancel()` stops it (a running job's worker
 * is terminated, a queued one never starts) and rejects `result` with `cancelled` at once.
 */
import { EnclaveError, fromErrorShape, toErrorShape } from '../core/errors.ts';

export interface Job<T> {
  readonly id: string;
  readonly result: Promise<T>;
  cancel(): void;
}

export function cancelledError(): EnclaveError {
  return new EnclaveError('cancelled', 'Cancelled.');
}

/** Anything thrown or sent back, as an EnclaveError (its code, message and detail kept). */
export function asEnclaveError(err: unknown): EnclaveError {
  return err instanceof EnclaveError ? err : fromErrorShape(toErrorShape(err));
}

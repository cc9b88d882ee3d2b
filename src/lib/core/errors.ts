/**
 * Typed errors that cross the worker boundary as { code, message, detail }. The UI shows `message` (written for a
 * person: names the problem, and the line or column where it applies), never a stack.
 */
export type ErrorCode =
  | 'empty-file'
  | 'header-only'
  | 'binary-file'
  | 'ragged-rows'
  | 'bad-header'
  | 'too-large'
  | 'invalid-json'
  | 'invalid-parquet'
  | 'unsupported-format'
  | 'cancelled'
  | 'storage'
  | 'not-found'
  | 'invalid-argument'
  | 'invalid-recipe'
  | 'invalid-expression'
  | 'invalid-split'
  | 'invalid-target'
  | 'blocked-anomalies'
  | 'non-finite'
  | 'internal';

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  detail?: Record<string, unknown>;
}

export class EnclaveError extends Error {
  readonly code: ErrorCode;
  readonly detail?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'EnclaveError';
    this.code = code;
    this.detail = detail;
  }
  toJSON(): ErrorShape {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/** Normalise anything thrown into an ErrorShape (the boundary where unknown errors become known). */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof EnclaveError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err && typeof (err as ErrorShape).message === 'string') {
    const e = err as ErrorShape;
    if (typeof e.code === 'string') return { code: e.code, message: e.message, detail: e.detail };
  }
  if (err instanceof DOMException && err.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
  if (err instanceof DOMException && err.name === 'QuotaExceededError')
    return { code: 'too-large', message: 'The browser has no room left to store this data (storage quota exceeded).' };
  if (err instanceof RangeError && /allocation|Array buffer|Invalid typed array length|Invalid array length/i.test(err.message))
    return { code: 'too-large', message: 'This file is larger than the browser can hold in memory.' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}

export function fromErrorShape(shape: ErrorShape): EnclaveError {
  return new EnclaveError(shape.code, shape.message, shape.detail);
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
}

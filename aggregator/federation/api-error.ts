/**
 * Refusals of the federation API: an HTTP status and a stable code, answered as JSON { code, message, detail? }. A
 * refusal is decided before anything is written, so it changes nothing.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ApiErrorCode =
  | 'unauthorized' // 401: no token, or not a token of this federation
  | 'revoked' // 403: the join token was revoked
  | 'admin-disabled' // 403: no admin token configured
  | 'not-found' // 404
  | 'not-started' // 409: no initial weights yet
  | 'round-closed' // 409: the round (or the federation) is over
  | 'round-not-open' // 409: a future round
  | 'already-sent' // 409: a different update from this client in this round
  | 'stale-base' // 409: computed on weights that are no longer the global ones
  | 'conflict' // 409: e.g. initial weights set twice
  | 'invalid-request' // 400: malformed metadata or JSON
  | 'wrong-length' // 400: not parameterCount × 4 bytes
  | 'non-finite' // 400: NaN or ±Infinity in an update
  | 'norm-too-large' // 400: the update's norm is over the honest bound
  | 'too-large' // 413: body over the size limit
  | 'rate-limited' // 429
  | 'storage' // 500: the store failed or holds a damaged record
  | 'internal'; // 500

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ApiErrorCode;
  readonly detail?: Record<string, unknown>;
  /** Seconds, for 429's Retry-After. */
  retryAfter?: number;
  constructor(status: ContentfulStatusCode, code: ApiErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
  toJSON() {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/**
 * Typed errors that cross the worker boundary as { code, message, detail }. The UI shows `message` (written for a
 * person: names the problem, and the line or column where it applies), never a stack.
 */
export type ErrorCode =
  | 'empty-file'
  | 'header-only'
  | 'binary-file'
  | 'ragged-rows'
  | 'unclosed-quote'
  | 'bad-header'
  | 'too-large'
  | 'invalid-json'
  | 'invalid-parquet'
  /** An Excel workbook whose parts are missing, damaged or past Excel's own limits. */
  | 'invalid-xlsx'
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
  /** A federation's aggregator could not be reached, or refused a request (its HTTP status and reason in detail). */
  | 'unavailable'
  | 'refused'
  /** A federated round would spend more privacy than the person allows, or the federation weakened its settings. */
  | 'privacy'
  | 'internal';

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  detail?: Record<string, unknown>;
}

/**
 * The longest message an error carries (characters). Messages are for a person to read; one that quotes its input
 * (a 30 MB header, a 279 KB "column name") would otherwise be copied whole to the screen, stderr and the worker
 * boundary. Long enough for the CLI's usage text.
 */
export const MAX_MESSAGE_LENGTH = 4000;
/** In a detail: the longest string, the most items of an array or keys of an object, and the deepest nesting kept. */
const DETAIL_STRING = 500;
const DETAIL_ITEMS = 20;
const DETAIL_DEPTH = 4;

/** The message within MAX_MESSAGE_LENGTH: its start, and a mark saying it was cut and how long it was. */
export function capMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message;
  const mark = ` … (message cut: ${message.length.toLocaleString('en-US')} characters in all)`;
  return message.slice(0, MAX_MESSAGE_LENGTH - mark.length) + mark;
}

function capString(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)} … (${s.length.toLocaleString('en-US')} characters in all)`;
}

/**
 * A detail of bounded size: long strings cut, long arrays and objects keep their first items (each cut array or
 * object is listed in `truncated` as "path: N items"), nesting below DETAIL_DEPTH dropped. Small details pass as they are.
 */
export function capDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const truncated: string[] = [];
  const walk = (v: unknown, path: string, depth: number): unknown => {
    if (typeof v === 'string') return capString(v, DETAIL_STRING);
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= DETAIL_DEPTH) {
      truncated.push(`${path}: nested too deep`);
      return undefined;
    }
    if (Array.isArray(v)) {
      if (v.length > DETAIL_ITEMS) truncated.push(`${path}: ${v.length} items`);
      return v.slice(0, DETAIL_ITEMS).map((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    }
    const keys = Object.keys(v);
    if (keys.length > DETAIL_ITEMS) truncated.push(`${path}: ${keys.length} keys`);
    const out: Record<string, unknown> = {};
    // defineProperty: a key from data ("__proto__") stays a key, never the object's prototype.
    for (const k of keys.slice(0, DETAIL_ITEMS))
      Object.defineProperty(out, capString(k, DETAIL_STRING), { value: walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k, depth + 1), enumerable: true, writable: true, configurable: true });
    return out;
  };
  const out = walk(detail, '', 0) as Record<string, unknown>;
  if (truncated.length) out.truncated = truncated.slice(0, DETAIL_ITEMS);
  return out;
}

export class EnclaveError extends Error {
  readonly code: ErrorCode;
  readonly detail?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>) {
    super(capMessage(message));
    this.name = 'EnclaveError';
    this.code = code;
    this.detail = capDetail(detail);
  }
  toJSON(): ErrorShape {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/** Normalise anything thrown into an ErrorShape (the boundary where unknown errors become known), of bounded size. */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof EnclaveError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err && typeof (err as ErrorShape).message === 'string') {
    const e = err as ErrorShape;
    if (typeof e.code === 'string') {
      const detail = capDetail(e.detail);
      return { code: e.code, message: capMessage(e.message), ...(detail ? { detail } : {}) };
    }
  }
  if (err instanceof DOMException && err.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
  if (err instanceof DOMException && err.name === 'QuotaExceededError')
    return { code: 'too-large', message: 'The browser has no room left to store this data (storage quota exceeded).' };
  if (err instanceof RangeError && /allocation|Array buffer|Invalid typed array length|Invalid array length/i.test(err.message))
    // Any job can run out (an import, a prepare, a training loading its splits): the message names no one of them.
    return { code: 'too-large', message: 'The browser ran out of memory for this data: this tab cannot hold it all at once. Use fewer rows (a sample) or fewer columns (fewer one-hot categories), or a device with more memory.' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: capMessage(`Unexpected error: ${message}`) };
}

export function fromErrorShape(shape: ErrorShape): EnclaveError {
  return new EnclaveError(shape.code, shape.message, shape.detail);
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new EnclaveError('cancelled', 'Cancelled.');
}

/**
 * Request bodies read with a bound: the bytes are counted while they arrive and reading stops at the limit, so an
 * oversized or endless body costs at most `limit` bytes of memory (the rest is drained or the socket closed by the
 * Node adapter).
 */
import { ApiError } from './api-error.ts';

function declaredLength(req: Request): number | null {
  const h = req.headers.get('content-length');
  if (h === null) return null;
  const n = Number(h);
  if (!/^\d+$/.test(h) || !Number.isSafeInteger(n)) throw new ApiError(400, 'invalid-request', `Content-Length "${h.slice(0, 40)}" is not a byte count.`);
  return n;
}

function tooLarge(limit: number, what: string): ApiError {
  return new ApiError(413, 'too-large', `The ${what} is over the size limit of ${limit.toLocaleString('en-US')} bytes.`, { limit });
}

/** Reads at most `limit` bytes (413 beyond: declared by Content-Length, or counted while reading). */
export async function readBody(req: Request, limit: number, what: string): Promise<Uint8Array> {
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) throw tooLarge(limit, what);
  const out = new Uint8Array(declared ?? Math.min(limit, 64 * 1024));
  let buf = out;
  let n = 0;
  if (!req.body) return out.subarray(0, 0);
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.byteLength > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit, what);
    }
    if (n + value.byteLength > buf.byteLength) {
      // Only without Content-Length (or with a wrong one): grow by doubling, never past the limit.
      const grown = new Uint8Array(Math.min(limit, Math.max(n + value.byteLength, buf.byteLength * 2)));
      grown.set(buf.subarray(0, n));
      buf = grown;
    }
    buf.set(value, n);
    n += value.byteLength;
  }
  return buf.subarray(0, n);
}

/**
 * Reads a body that must be exactly `length` bytes: longer is 413 (over the size limit, stopped while reading),
 * shorter is 400 'wrong-length'. A declared shorter length is refused before reading.
 */
export async function readExactBody(req: Request, length: number, what: string): Promise<Uint8Array> {
  const declared = declaredLength(req);
  const wrong = (got: number) =>
    new ApiError(400, 'wrong-length', `The ${what} is ${got.toLocaleString('en-US')} bytes; it must be exactly ${length.toLocaleString('en-US')} (parameterCount × 4).`, { bytes: got, expected: length });
  if (declared !== null && declared < length) throw wrong(declared);
  const bytes = await readBody(req, length, what);
  if (bytes.byteLength !== length) throw wrong(bytes.byteLength);
  return bytes;
}

/** A JSON body of at most `limit` bytes, parsed (400 when it is not JSON). */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const bytes = await readBody(req, limit, 'request body');
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ApiError(400, 'invalid-request', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}

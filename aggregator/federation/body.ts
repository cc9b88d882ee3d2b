/**
 * Request bodies read with a bound: the bytes are counted while they arrive and reading stops at the limit, so an
 * oversized or endless body costs at most `limit` bytes of memory (the rest is drained or the socket closed by the
 * Node adapter). On Node the bytes are read from the IncomingMessage itself — the web-stream wrapper costs a few
 * promises and copies per 64 KiB chunk, a third of a 1,000-client round's CPU — and from the Request's stream
 * otherwise (app.request() in tests).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';

export interface BodySource {
  request: Request;
  /** The Node request, when served by @hono/node-server (its env.incoming). */
  incoming?: IncomingMessage;
}

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

/** Collects chunks into `buf` (grown by doubling up to `limit` when it is smaller); throws 413 past the limit. */
class Collector {
  n = 0;
  constructor(
    public buf: Uint8Array,
    private readonly limit: number,
    private readonly what: string
  ) {}
  add(chunk: Uint8Array) {
    if (this.n + chunk.byteLength > this.limit) throw tooLarge(this.limit, this.what);
    if (this.n + chunk.byteLength > this.buf.byteLength) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(this.n + chunk.byteLength, this.buf.byteLength * 2)));
      grown.set(this.buf.subarray(0, this.n));
      this.buf = grown;
    }
    this.buf.set(chunk, this.n);
    this.n += chunk.byteLength;
  }
}

function readIncoming(incoming: IncomingMessage, into: Collector): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) {
        incoming.pause();
        reject(err);
      } else resolve();
    };
    const onData = (chunk: Buffer) => {
      try {
        into.add(chunk);
      } catch (err) {
        done(err);
      }
    };
    const onEnd = () => done();
    const onError = () => done(new ApiError(400, 'invalid-request', 'The request body was cut off.'));
    const onClose = () => (incoming.readableEnded ? done() : onError());
    incoming.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

async function readStream(req: Request, into: Collector): Promise<void> {
  if (!req.body) return;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    try {
      into.add(value);
    } catch (err) {
      await reader.cancel().catch(() => undefined);
      throw err;
    }
  }
}

/** Reads at most `limit` bytes (413 beyond: declared by Content-Length, or counted while reading), into `into` if given. */
export async function readBody(source: BodySource, limit: number, what: string, into?: Uint8Array): Promise<Uint8Array> {
  const declared = declaredLength(source.request);
  if (declared !== null && declared > limit) throw tooLarge(limit, what);
  const collector = new Collector(into ?? new Uint8Array(declared ?? Math.min(limit, 64 * 1024)), limit, what);
  if (source.incoming && !source.incoming.readableEnded) await readIncoming(source.incoming, collector);
  else await readStream(source.request, collector);
  return collector.buf.subarray(0, collector.n);
}

/**
 * Reads a body that must be exactly `length` bytes: longer is 413 (over the size limit, stopped while reading),
 * shorter is 400 'wrong-length'. A declared shorter length is refused before reading. `into`: a buffer of `length` bytes.
 */
export async function readExactBody(source: BodySource, length: number, what: string, into?: Uint8Array): Promise<Uint8Array> {
  const declared = declaredLength(source.request);
  const wrong = (got: number) =>
    new ApiError(400, 'wrong-length', `The ${what} is ${got.toLocaleString('en-US')} bytes; it must be exactly ${length.toLocaleString('en-US')} (parameterCount × 4).`, { bytes: got, expected: length });
  if (declared !== null && declared < length) throw wrong(declared);
  const bytes = await readBody(source, length, what, into);
  if (bytes.byteLength !== length) throw wrong(bytes.byteLength);
  return bytes;
}

/** A JSON body of at most `limit` bytes, parsed (400 when it is not JSON). */
export async function readJsonBody(source: BodySource, limit: number): Promise<unknown> {
  const bytes = await readBody(source, limit, 'request body');
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ApiError(400, 'invalid-request', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Reading a ByteSource chunk by chunk: size limit, cancellation and throttled progress, shared by every reader.
 */
import { EnclaveError, throwIfAborted } from '../errors.ts';
import type { ByteSource, ReadOptions, ReadProgress } from './source.ts';

/** Progress is reported at most once per this many bytes (plus once at the end). */
const PROGRESS_STEP = 1 << 20;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

function tooLarge(size: number, limit: number, atLeast = false): EnclaveError {
  return new EnclaveError(
    'too-large',
    `This file is too large: it is ${atLeast ? 'over ' : ''}${formatBytes(size)}, and at most ${formatBytes(limit)} fits safely in this browser's memory on this device.`,
    { size, limit },
  );
}

export function checkSize(source: ByteSource, maxBytes?: number): void {
  if (maxBytes !== undefined && source.size > maxBytes) throw tooLarge(source.size, maxBytes);
}

/** Throttled progress: readers call `bytes()` per chunk and set `rows`; the callback fires every ~1 MiB. */
export class Progress {
  rows = 0;
  /** Bytes reported per byte read here (2 while the other half of a file is read elsewhere at the same pace). */
  scale = 1;
  private done = 0;
  private nextAt = PROGRESS_STEP;
  constructor(readonly total: number, private readonly cb?: (p: ReadProgress) => void) {}
  bytes(n: number): void {
    this.done += n;
    if (this.cb && this.done >= this.nextAt) {
      this.nextAt = this.done + PROGRESS_STEP;
      this.cb({ stage: 'read', done: Math.min(this.total, Math.round(this.done * this.scale)), total: this.total, rows: this.rows });
    }
  }
  end(): void {
    const done = Math.max(this.done, this.scale === 1 ? 0 : this.total);
    this.cb?.({ stage: 'read', done, total: Math.max(this.total, done), rows: this.rows });
  }
}

/**
 * The source's chunks, in order. Aborting the signal cancels the underlying stream so a pending read returns at
 * once, and the generator throws EnclaveError('cancelled'). Also enforces maxBytes when `size` under-reported.
 */
export async function* chunks(source: ByteSource, opts: ReadOptions, progress?: Progress): AsyncGenerator<Uint8Array> {
  const { signal, maxBytes } = opts;
  throwIfAborted(signal);
  const reader = source.stream().getReader();
  const onAbort = () => { reader.cancel().catch(() => {}); };
  signal?.addEventListener('abort', onAbort, { once: true });
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      throwIfAborted(signal);
      if (done) { finished = true; return; }
      if (value.byteLength === 0) continue;
      total += value.byteLength;
      if (maxBytes !== undefined && total > maxBytes) throw tooLarge(total, maxBytes, true);
      progress?.bytes(value.byteLength);
      yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stopped early (error, cancel, or the consumer gave up): release the file rather than leave it half-read.
    if (!finished) reader.cancel().catch(() => {});
  }
}

export function concatBytes(parts: Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total ?? parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

/**
 * Pulls at least `min` bytes (or everything, when the stream is shorter) off `it`, for sniffing. Returns the head and
 * whether the stream already ended; the caller feeds `head` and then the rest of `it` to the parser.
 */
export async function takeHead(it: AsyncIterator<Uint8Array>, min: number): Promise<{ head: Uint8Array; ended: boolean }> {
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < min) {
    const r = await it.next();
    if (r.done) return { head: concatBytes(parts, n), ended: true };
    parts.push(r.value);
    n += r.value.byteLength;
  }
  return { head: concatBytes(parts, n), ended: false };
}

/** `head` followed by the rest of `it`. */
export async function* prepend(head: Uint8Array, it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.byteLength) yield head;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/** The whole source as one buffer (JSON arrays and Parquet need it), with the same limits and progress. */
export async function readAll(source: ByteSource, opts: ReadOptions, progress?: Progress): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks(source, opts, progress)) { parts.push(c); n += c.byteLength; }
  return parts.length ? concatBytes(parts, n) : new Uint8Array(0);
}

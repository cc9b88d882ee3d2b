/** Growable typed-array buffers for column builders (a number, a byte or a code per cell). */

/**
 * The first n elements of a builder's buffer: the buffer itself when full, a view when the unused tail is small (a
 * reader's row estimate was a little high: not worth copying the column for), else a trimmed copy.
 */
function trimmed<A extends Float64Array | Uint8Array | Int32Array>(a: A, n: number): A {
  if (n === a.length) return a;
  if (a.length - n <= n >> 3) return a.subarray(0, n) as A;
  return a.slice(0, n) as A;
}

/** From how many bytes a buffer's memory is shared (a SharedArrayBuffer); never unless shareLargeBuffers says so. */
let sharedFrom = Infinity;

/**
 * While `on`, buffers of a megabyte or more are made in shared memory (this thread's builders only): the import job
 * hands the table it reads to its helper thread, which then reads the columns in place instead of a copy (at 5M rows
 * × 20, 0.9 GB made and copied otherwise). The caller turns it off again when the table is read.
 */
export function shareLargeBuffers(on: boolean): void {
  sharedFrom = on && typeof SharedArrayBuffer === 'function' ? 1 << 20 : Infinity;
}

function memory(bytes: number): ArrayBuffer {
  return (bytes >= sharedFrom ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) as ArrayBuffer;
}

/**
 * Growable typed buffers: amortised doubling (or one `reserve` from a row estimate), trimmed at finish. Three classes
 * of one shape on purpose: each push then sees one array type (a builder pushes to an F64 and a U8 per cell), where a
 * generic class's push would be polymorphic in the reader's hottest loop.
 */
export class F64 {
  a: Float64Array;
  n = 0;
  constructor(cap: number) { this.a = new Float64Array(Math.max(16, cap)); }
  push(v: number) {
    if (this.n === this.a.length) this.reserve(this.a.length * 2);
    this.a[this.n++] = v;
  }
  reserve(cap: number) {
    if (cap <= this.a.length) return;
    const b = new Float64Array(memory(8 * cap)); b.set(this.a.subarray(0, this.n)); this.a = b;
  }
  /** The first n values, without a copy when the buffer is exactly full. */
  take(): Float64Array { return trimmed(this.a, this.n); }
}
export class U8 {
  a: Uint8Array;
  n = 0;
  constructor(cap: number) { this.a = new Uint8Array(Math.max(16, cap)); }
  push(v: number) {
    if (this.n === this.a.length) this.reserve(this.a.length * 2);
    this.a[this.n++] = v;
  }
  reserve(cap: number) {
    if (cap <= this.a.length) return;
    const b = new Uint8Array(memory(cap)); b.set(this.a.subarray(0, this.n)); this.a = b;
  }
  take(): Uint8Array { return trimmed(this.a, this.n); }
}
export class I32 {
  a: Int32Array;
  n = 0;
  constructor(cap: number) { this.a = new Int32Array(Math.max(16, cap)); }
  push(v: number) {
    if (this.n === this.a.length) this.reserve(this.a.length * 2);
    this.a[this.n++] = v;
  }
  reserve(cap: number) {
    if (cap <= this.a.length) return;
    const b = new Int32Array(memory(4 * cap)); b.set(this.a.subarray(0, this.n)); this.a = b;
  }
  take(): Int32Array { return trimmed(this.a, this.n); }
}

/** `n` zeros in front of what a buffer holds (missing cells before a column's first: a JSON key first seen late). */
export function prependZeros(buf: F64 | U8 | I32, n: number): void {
  const len = buf.n;
  buf.reserve(len + n);
  buf.a.copyWithin(n, 0, len);
  buf.a.fill(0, 0, n);
  buf.n = len + n;
}

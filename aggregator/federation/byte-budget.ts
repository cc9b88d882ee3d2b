/**
 * Bytes of update bodies held at once, across all uploads: an upload waits (its socket unread, so TCP pushes back on
 * the sender) until its bytes fit, and holds them until its update is summed (or, for a trimmed mean, committed) or
 * refused. This is what keeps the server's memory independent of how many clients upload at the same moment. One
 * body larger than the whole budget still goes through, alone.
 *
 * The body buffers themselves are pooled (up to the budget): a round of 1,000 uploads reuses a few dozen buffers
 * instead of leaving 1,000 for the garbage collector.
 */
export interface Lease {
  /** A buffer of exactly the leased size (pooled: valid until release). */
  buffer(): Uint8Array;
  /** Gives the bytes (and the buffer) back; later calls do nothing. */
  release(): void;
}

export class ByteBudget {
  private used = 0;
  private pooled = 0;
  private readonly pool = new Map<number, Uint8Array[]>();
  private readonly queue: { bytes: number; go: () => void }[] = [];
  constructor(private readonly limit: number) {}

  /** Resolves once `bytes` fit. */
  async acquire(bytes: number): Promise<Lease> {
    if (this.queue.length > 0 || !this.fits(bytes)) await new Promise<void>((go) => this.queue.push({ bytes, go }));
    else this.used += bytes;
    let released = false;
    let buf: Uint8Array | null = null;
    return {
      buffer: () => (buf ??= this.take(bytes)),
      release: () => {
        if (released) return;
        released = true;
        if (buf) this.give(buf);
        this.used -= bytes;
        this.wake();
      }
    };
  }

  private take(bytes: number): Uint8Array {
    const free = this.pool.get(bytes)?.pop();
    if (!free) return new Uint8Array(bytes);
    this.pooled -= bytes;
    return free;
  }

  private give(buf: Uint8Array) {
    if (this.pooled + buf.byteLength > this.limit) return;
    const list = this.pool.get(buf.byteLength) ?? [];
    list.push(buf);
    this.pool.set(buf.byteLength, list);
    this.pooled += buf.byteLength;
  }

  private fits(bytes: number) {
    return this.used === 0 || this.used + bytes <= this.limit;
  }

  private wake() {
    // FIFO: a large upload is not starved by small ones behind it.
    while (this.queue.length > 0 && this.fits(this.queue[0].bytes)) {
      const next = this.queue.shift()!;
      this.used += next.bytes;
      next.go();
    }
  }
}

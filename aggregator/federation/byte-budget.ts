/**
 * Bytes of update bodies held at once, across all uploads: an upload waits (its socket unread, so TCP pushes back on
 * the sender) until its bytes fit, and holds them until its update is committed or refused. This is what keeps the
 * server's memory independent of how many clients upload at the same moment. One body larger than the whole budget
 * still goes through, alone.
 */
export class ByteBudget {
  private used = 0;
  private readonly queue: { bytes: number; go: () => void }[] = [];
  constructor(private readonly limit: number) {}

  /** Resolves once `bytes` fit; call the returned function exactly once to give them back. */
  async acquire(bytes: number): Promise<() => void> {
    if (this.queue.length > 0 || !this.fits(bytes)) await new Promise<void>((go) => this.queue.push({ bytes, go }));
    else this.used += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.wake();
    };
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

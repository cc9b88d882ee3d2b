/** One-at-a-time sections per key (a federation): commits, round closes and revocations of one federation never interleave. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(() => section());
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    // Forget a key once its queue is empty, so the map does not grow with every federation ever touched.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

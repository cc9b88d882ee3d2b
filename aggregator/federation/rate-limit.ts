/**
 * A token bucket per key (a join token's hash, or a caller's address): `burst` requests at once, refilled at
 * `perSecond`. Kept in memory — a restart forgets it, which only gives a caller one fresh burst.
 */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

// Above this many keys, full buckets are dropped (they hold nothing a fresh bucket would not).
const MAX_KEYS = 50_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the seconds until one is available (for Retry-After). */
  take(key: string): number {
    const t = this.now();
    const { burst, perSecond } = this.limit;
    const b = this.buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > MAX_KEYS) this.prune(t);
    return 0;
  }

  private prune(t: number) {
    const { burst, perSecond } = this.limit;
    for (const [k, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * perSecond >= burst) this.buckets.delete(k);
  }
}

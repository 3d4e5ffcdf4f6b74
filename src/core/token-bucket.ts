/** A bucket's answer: go ahead, or wait this long before the next request can pass. */
export type Take = { ok: true } | { ok: false; retryAfterMs: number };

export interface BucketPolicy {
  /** Requests per second a key may sustain; 0 turns the limit off. */
  ratePerSecond: number;
  /** Requests a key may send at once above the steady rate (the bucket's size). */
  burst: number;
  /** At most this many keys are remembered; the least recently seen are forgotten first. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key (a client IP, a source), refilled continuously at `ratePerSecond` up to
 * `burst`. Time comes from the caller, so every edge is testable; memory stays bounded by
 * `maxKeys` (a flood from many addresses cannot grow it).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(private readonly policy: BucketPolicy) {
    this.maxKeys = policy.maxKeys ?? 10_000;
  }

  take(key: string, now: number): Take {
    const { ratePerSecond: rate, burst } = this.policy;
    if (rate <= 0) return { ok: true };
    const capacity = Math.max(1, burst);
    const seen = this.buckets.get(key);
    const tokens = seen
      ? Math.min(capacity, seen.tokens + (Math.max(0, now - seen.at) * rate) / 1000)
      : capacity;
    // Re-insert so the map's order is least recently seen first.
    this.buckets.delete(key);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      this.evict();
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / rate) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) return;
      this.buckets.delete(oldest);
    }
  }
}

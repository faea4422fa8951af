/** The answer of {@link TokenBuckets.take}: a token was taken, or when the next one will be there. */
export type TakeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Milliseconds until `key`'s bucket holds a whole token again (at least 1). */
      readonly retryAfterMs: number;
    };

/** How {@link createTokenBuckets} fills its buckets. */
export interface TokenBucketOptions {
  /** Tokens added to each bucket per second; more than 0. */
  readonly ratePerSecond: number;
  /** What a bucket holds when full, and so the longest burst a key may spend at once; ≥ 1. */
  readonly burst: number;
  /** The clock, in milliseconds; `performance.now` unless a test drives its own. */
  readonly now?: () => number;
}

/**
 * A token bucket per key (a user, or a peer address): each starts full with `burst` tokens and
 * refills at `ratePerSecond`; every action of a key takes one token, and is refused while its
 * bucket is empty.
 */
export interface TokenBuckets {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Takes a token from `key`'s bucket, or says how long until one is there (taking nothing). */
  take(key: string): TakeResult;
  /**
   * Buckets held in memory: only keys that took a token lately. A bucket that has refilled is the
   * same as no bucket and is dropped, so memory follows the active keys, not every key ever seen.
   */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Creates a {@link TokenBuckets} set; see {@link TokenBucketOptions}. */
export function createTokenBuckets({
  ratePerSecond,
  burst,
  now = () => performance.now(),
}: TokenBucketOptions): TokenBuckets {
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0))
    throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
  if (!Number.isInteger(burst) || burst < 1)
    throw new RangeError(`burst must be ≥ 1, got ${burst}`);
  const perMs = ratePerSecond / 1000;
  // The time an empty bucket takes to fill: after it, any bucket not touched since is full.
  const fillMs = burst / perMs;
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  const level = (bucket: Bucket, at: number) =>
    Math.min(burst, bucket.tokens + (at - bucket.at) * perMs);

  // One pass per fill time costs O(keys) per fill time: amortised O(1) per take, and no timer.
  const sweep = (at: number) => {
    if (at - lastSweep < fillMs) return;
    lastSweep = at;
    for (const [key, bucket] of buckets) if (level(bucket, at) >= burst) buckets.delete(key);
  };

  return {
    ratePerSecond,
    burst,
    take(key) {
      const at = now();
      sweep(at);
      const bucket = buckets.get(key) ?? { tokens: burst, at };
      const tokens = level(bucket, at);
      // Rounding must not leave 0.9999… tokens after exactly the wait `take` advised.
      if (tokens >= 1 - 1e-9) {
        buckets.set(key, { tokens: Math.max(0, tokens - 1), at });
        return { ok: true };
      }
      // The refill so far is kept by not touching the bucket: it is measured from `bucket.at`.
      return { ok: false, retryAfterMs: Math.max(1, Math.ceil((1 - tokens) / perMs)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

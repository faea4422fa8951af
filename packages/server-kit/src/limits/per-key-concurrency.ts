/**
 * Counts what is open per key (a user, or a peer address) against one limit: open chat
 * sessions, follow streams, Fibonacci streams. A slot is taken with {@link PerKeyConcurrency.acquire}
 * and given back by calling the release function it returns, exactly once.
 */
export interface PerKeyConcurrency {
  /** The most slots one key may hold at once. */
  readonly limit: number;
  /**
   * Takes a slot for `key`: returns its release function, or `undefined` when `key` already holds
   * {@link limit} slots. Releasing twice is harmless.
   */
  acquire(key: string): (() => void) | undefined;
  /** The slots `key` holds now. */
  held(key: string): number;
}

/** Creates a {@link PerKeyConcurrency} allowing `limit` open things per key. */
export function createPerKeyConcurrency(limit: number): PerKeyConcurrency {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be ≥ 1, got ${limit}`);
  // Keys with nothing open are deleted, so the map holds only keys that hold a slot.
  const open = new Map<string, number>();
  return {
    limit,
    acquire(key) {
      const count = open.get(key) ?? 0;
      if (count >= limit) return undefined;
      open.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const now = (open.get(key) ?? 1) - 1;
        if (now === 0) open.delete(key);
        else open.set(key, now);
      };
    },
    held(key) {
      return open.get(key) ?? 0;
    },
  };
}

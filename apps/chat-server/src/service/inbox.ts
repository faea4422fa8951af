/**
 * A FIFO of events from several concurrent sources, read by one consumer. Each source hands in
 * its result with `push` (or `fail`) from a single `.then`, so no promise ever collects more than
 * one reaction: racing a long-pending promise anew on every turn (`Promise.race`) would add a
 * reaction per turn that lives until it settles, a leak that grew a listening chat session by
 * ~330 bytes per delivered message (bench/results/NOTES.md §1, nodejs/node#17469).
 */
export interface Inbox<T> {
  push(event: T): void;
  /** Makes the pending and every later `take` reject with `error` (the first failure wins). */
  fail(error: unknown): void;
  /** The oldest event not yet taken, waiting for one if there is none. One taker at a time. */
  take(): Promise<T>;
}

/** Creates an empty {@link Inbox}. */
export function createInbox<T>(): Inbox<T> {
  const events: T[] = [];
  let failure: { readonly error: unknown } | undefined;
  let taker: { resolve(event: T): void; reject(error: unknown): void } | undefined;
  return {
    push(event) {
      const waiting = taker;
      taker = undefined;
      if (waiting) waiting.resolve(event);
      else events.push(event);
    },
    fail(error) {
      failure ??= { error };
      const waiting = taker;
      taker = undefined;
      waiting?.reject(error);
    },
    take() {
      if (failure) return Promise.reject(failure.error);
      if (events.length > 0) {
        const [event] = events.splice(0, 1);
        if (event !== undefined) return Promise.resolve(event);
      }
      return new Promise((resolve, reject) => {
        taker = { resolve, reject };
      });
    },
  };
}

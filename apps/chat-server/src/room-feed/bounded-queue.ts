/**
 * A FIFO between one producer and one consumer that never holds more than
 * `capacity` items: instead of growing past it, it overflows and stays empty.
 * Items are objects, so `undefined` is free to mean "nothing more".
 */
export interface BoundedQueue<T extends object> {
  /**
   * Appends `item` and wakes the consumer. If the queue already holds
   * `capacity` items it overflows instead: it drops everything it holds,
   * refuses this and every later item, and wakes the consumer. Returns false
   * once overflowed.
   */
  push(item: T): boolean;
  /**
   * Removes and resolves with the oldest item, waiting for one if need be.
   * Resolves with `undefined` once the queue has overflowed or `signal` is
   * aborted. Rejects if another call is still pending: one consumer only.
   */
  next(signal: AbortSignal): Promise<T | undefined>;
  /** Removes items from the head while `predicate` holds for them. */
  discardWhile(predicate: (item: T) => boolean): void;
  /** Items waiting now. */
  readonly length: number;
  /** The most items ever waiting at once; at most `capacity`. */
  readonly highWaterMark: number;
}

/** Creates an empty {@link BoundedQueue}; `capacity` must be a positive safe integer. */
export function createBoundedQueue<T extends object>(capacity: number): BoundedQueue<T> {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`queue capacity must be a positive safe integer, got ${capacity}`);
  }
  let items: T[] = [];
  let highWaterMark = 0;
  let overflowed = false;
  let reading = false;
  let wake: (() => void) | undefined;

  function waitForChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        wake = undefined;
        // Removed on every wake-up, so a long-lived signal does not collect one listener per wait.
        signal.removeEventListener("abort", done);
        resolve();
      };
      wake = done;
      signal.addEventListener("abort", done);
    });
  }

  return {
    push(item) {
      if (overflowed) return false;
      if (items.length >= capacity) {
        overflowed = true;
        items = [];
      } else {
        items.push(item);
        highWaterMark = Math.max(highWaterMark, items.length);
      }
      wake?.();
      return !overflowed;
    },

    async next(signal) {
      if (reading) throw new Error("BoundedQueue.next() called while another call is pending");
      reading = true;
      try {
        for (;;) {
          if (overflowed || signal.aborted) return undefined;
          const item = items.shift();
          if (item !== undefined) return item;
          await waitForChange(signal);
        }
      } finally {
        reading = false;
      }
    },

    discardWhile(predicate) {
      for (let head = items[0]; head !== undefined && predicate(head); head = items[0]) {
        items.shift();
      }
    },

    get length() {
      return items.length;
    },
    get highWaterMark() {
      return highWaterMark;
    },
  };
}

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
  /** Removes and returns the oldest item; undefined when there is none, or the queue has ended. */
  shift(): T | undefined;
  /**
   * Calls `wake` once, synchronously, at the next push, overflow or close: for a consumer that
   * found the queue empty. One consumer only: throws if a wake is already set.
   */
  whenChanged(wake: () => void): void;
  /** True once the queue has overflowed or been closed: nothing more comes out of it. */
  readonly ended: boolean;
  /**
   * Ends the queue: it drops what it holds, wakes the consumer, and drops later
   * items (`push` still returns true: closing is not overflowing). The owner calls it when its
   * reader goes away (the feed's signal aborts), which spares the queue an
   * abort listener per wait.
   */
  close(): void;
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
  let closed = false;
  let wake: (() => void) | undefined;

  function wakeReader(): void {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  }

  return {
    push(item) {
      if (closed) return true;
      if (overflowed) return false;
      if (items.length >= capacity) {
        overflowed = true;
        items = [];
      } else {
        items.push(item);
        highWaterMark = Math.max(highWaterMark, items.length);
      }
      wakeReader();
      return !overflowed;
    },

    shift() {
      return overflowed || closed ? undefined : items.shift();
    },

    whenChanged(waiting) {
      if (wake !== undefined) throw new Error("BoundedQueue: a consumer is already waiting");
      wake = waiting;
    },

    get ended() {
      return overflowed || closed;
    },

    close() {
      closed = true;
      items = [];
      wakeReader();
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

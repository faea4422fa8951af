import type { AvailabilityListener } from "./message-store.js";

/** Whether a store can reach its storage now, and who wants to hear of changes. */
export interface Availability {
  readonly current: boolean;
  /** Records the state; listeners hear of it only when it changed. */
  set(available: boolean): void;
  /** Calls `listener` at once with the state, then with each change, until unsubscribed. */
  watch(listener: AvailabilityListener): () => void;
  /** Lets every listener go: later changes reach nobody. */
  clear(): void;
}

/** Creates an {@link Availability} starting in state `initial`. */
export function createAvailability(initial: boolean): Availability {
  const listeners = new Set<AvailabilityListener>();
  let current = initial;
  return {
    get current() {
      return current;
    },
    set(available) {
      if (available === current) return;
      current = available;
      for (const listener of [...listeners]) listener(available);
    },
    watch(listener) {
      // A wrapper per call, so watching with one function twice gives two independent watches.
      const watcher: AvailabilityListener = (available) => listener(available);
      listeners.add(watcher);
      watcher(current);
      return () => {
        listeners.delete(watcher);
      };
    },
    clear() {
      listeners.clear();
    },
  };
}

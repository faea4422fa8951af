import type { MessageListener, MessageStore, StoredMessage } from "../store/message-store.js";

/** A store wrapped so tests can see and disturb its subscriptions. */
export interface ObservedStore {
  /** Behaves like the wrapped store, except for notifications held back by {@link withhold}. */
  readonly store: MessageStore;
  /** Subscriptions made through {@link store} and not yet ended. */
  listenerCount(): number;
  /**
   * From now on, holds back the notifications of messages matching
   * `predicate`, as when a notification from another server instance is late
   * or lost. The messages are still stored and readable.
   */
  withhold(predicate: (message: StoredMessage) => boolean): void;
  /** Delivers the held-back notifications, late, to listeners still subscribed, and stops holding back. */
  release(): void;
}

/** Wraps `inner` in an {@link ObservedStore}. */
export function observeStore(inner: MessageStore): ObservedStore {
  let listenerCount = 0;
  let withheld: (message: StoredMessage) => boolean = () => false;
  let held: Array<() => void> = [];
  const store: MessageStore = {
    append: (input) => inner.append(input),
    readAfter: (room, afterId, limit) => inner.readAfter(room, afterId, limit),
    stats: (room) => inner.stats(room),
    close: () => inner.close(),
    watchAvailability: (listener) => inner.watchAvailability(listener),
    subscribe(listener: MessageListener, room?: string) {
      let subscribed = true;
      const unsubscribe = inner.subscribe((message) => {
        if (!withheld(message)) listener(message);
        else
          held.push(() => {
            if (subscribed) listener(message);
          });
      }, room);
      listenerCount++;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        listenerCount--;
        unsubscribe();
      };
    },
  };
  return {
    store,
    listenerCount: () => listenerCount,
    withhold(predicate) {
      withheld = predicate;
    },
    release() {
      withheld = () => false;
      const late = held;
      held = [];
      for (const notify of late) notify();
    },
  };
}

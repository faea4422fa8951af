import type { MessageListener, StoredMessage } from "./message-store.js";

/** The listeners of one store, delivered to in subscription order. */
export interface ListenerSet {
  /**
   * Adds `listener`, for the messages of `room` only when given; the returned function removes
   * it and is safe to call twice.
   */
  add(listener: MessageListener, room?: string): () => void;
  /**
   * Calls every current listener with `message`. A listener that throws does
   * not keep the others from being called; its error goes to `reportError`.
   */
  emit(message: StoredMessage): void;
}

/**
 * Rethrows outside the caller's stack: a buggy listener then surfaces as an
 * uncaught exception, as with EventEmitter, instead of failing the append that
 * already stored the message, or hiding it from the listeners after it.
 */
function rethrowAsync(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Creates an empty {@link ListenerSet}. */
export function createListenerSet(
  reportError: (error: unknown) => void = rethrowAsync,
): ListenerSet {
  const listeners = new Set<MessageListener>();
  return {
    add(listener, room) {
      // A wrapper per subscription, so subscribing one function twice yields two independent subscriptions.
      const subscription: MessageListener = (message) => {
        if (room === undefined || message.room === room) listener(message);
      };
      listeners.add(subscription);
      return () => {
        listeners.delete(subscription);
      };
    },
    emit(message) {
      for (const listener of listeners) {
        try {
          listener(message);
        } catch (error) {
          reportError(error);
        }
      }
    },
  };
}

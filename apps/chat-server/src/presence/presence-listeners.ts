import type { PresenceEvent, PresenceListener } from "./presence-registry.js";

/** The listeners of one presence registry, called in subscription order. */
export interface PresenceListeners {
  /** Adds `listener`; the returned function removes it and is safe to call twice. */
  add(listener: PresenceListener): () => void;
  /** Calls every listener; one that throws is reported asynchronously and does not stop the rest. */
  emit(event: PresenceEvent): void;
}

/** Creates an empty {@link PresenceListeners}. */
export function createPresenceListeners(): PresenceListeners {
  const listeners = new Set<PresenceListener>();
  return {
    add(listener) {
      const subscription: PresenceListener = (event) => listener(event);
      listeners.add(subscription);
      return () => {
        listeners.delete(subscription);
      };
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          // As ListenerSet does for messages: surface the bug without failing the join or leave.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}

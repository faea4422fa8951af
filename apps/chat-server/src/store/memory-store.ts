import { createListenerSet } from "./listener-set.js";
import {
  type AppendInput,
  assertReadLimit,
  type MessageStore,
  MessageStoreClosedError,
  type StoredMessage,
} from "./message-store.js";

/**
 * Creates a {@link MessageStore} that keeps everything in this process's
 * memory: for tests and throwaway servers. "Durable" here means only "until
 * the process exits"; nothing is shared with other instances.
 */
export function createMemoryStore(): MessageStore {
  // Ids are 1..n with no deletions, so message `id` sits at index `id - 1`.
  const rooms = new Map<string, StoredMessage[]>();
  const byClientMessageId = new Map<string, StoredMessage>();
  const listeners = createListenerSet();
  let closed = false;

  function deduplicationKey({ room, author, clientMessageId }: AppendInput): string {
    return JSON.stringify([room, author, clientMessageId]);
  }

  function assertOpen(): void {
    if (closed) throw new MessageStoreClosedError();
  }

  return {
    async append(input) {
      assertOpen();
      const key = input.clientMessageId === "" ? undefined : deduplicationKey(input);
      const original = key === undefined ? undefined : byClientMessageId.get(key);
      if (original !== undefined) return { message: original, duplicate: true };

      let messages = rooms.get(input.room);
      if (messages === undefined) {
        messages = [];
        rooms.set(input.room, messages);
      }
      const message: StoredMessage = {
        room: input.room,
        id: BigInt(messages.length + 1),
        author: input.author,
        text: input.text,
        sentAt: new Date(),
        clientMessageId: input.clientMessageId,
      };
      messages.push(message);
      if (key !== undefined) byClientMessageId.set(key, message);
      listeners.emit(message);
      return { message, duplicate: false };
    },

    async readAfter(room, afterId, limit) {
      assertOpen();
      assertReadLimit(limit);
      const messages = rooms.get(room) ?? [];
      if (afterId >= BigInt(messages.length)) return [];
      const start = afterId < 0n ? 0 : Number(afterId);
      return messages.slice(start, start + limit);
    },

    async stats(room) {
      assertOpen();
      const counted = room === undefined ? [...rooms.values()] : [rooms.get(room) ?? []];
      return {
        messageCount: BigInt(counted.reduce((sum, messages) => sum + messages.length, 0)),
        roomCount: counted.filter((messages) => messages.length > 0).length,
      };
    },

    subscribe(listener) {
      assertOpen();
      return listeners.add(listener);
    },

    watchAvailability(listener) {
      assertOpen();
      // Memory has no connection to lose: it is always reachable.
      listener(true);
      return () => {};
    },

    async close() {
      closed = true;
    },
  };
}

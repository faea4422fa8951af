import type { MessageStore } from "./message-store.js";
import type { RoomCatalog, StoredRoom } from "./room-catalog.js";

/**
 * A {@link RoomCatalog} of a memory store, which keeps nothing but its messages: it must be
 * created with the store, before the first append, since it learns of rooms by subscribing.
 * Counts come from `store.stats`, so they stay right whatever the store keeps.
 */
export function createMemoryRoomCatalog(store: MessageStore): RoomCatalog {
  const lastMessageAt = new Map<string, Date>();
  const unsubscribe = store.subscribe((message) => {
    lastMessageAt.set(message.room, message.sentAt);
  });
  return {
    async storedRooms(after, limit) {
      const names = [...lastMessageAt.keys()].filter((room) => room > after).sort();
      const rooms: StoredRoom[] = [];
      for (const room of names) {
        if (rooms.length >= limit) break;
        const { messageCount } = await store.stats(room);
        const at = lastMessageAt.get(room);
        if (messageCount > 0n && at !== undefined) {
          rooms.push({ room, messageCount, lastMessageAt: at });
        }
      }
      return rooms;
    },
    async close() {
      unsubscribe();
    },
  };
}

import { createListenerSet } from "./listener-set.js";
import { type RetainingStore, type RoomIdRange, retentionFloor } from "./message-retention.js";
import {
  type AppendInput,
  assertReadLimit,
  MessageStoreClosedError,
  type StoredMessage,
} from "./message-store.js";

/** How to create a {@link createMemoryStore} store. */
export interface MemoryStoreOptions {
  /** The clock that stamps `sentAt`; default the system's. For tests of retention by age. */
  readonly now?: () => Date;
}

interface Room {
  /** The kept messages: message `id` sits at index `id - removedThrough - 1`. */
  messages: StoredMessage[];
  removedThrough: bigint;
  /** The kept messages that have a client_message_id, by {@link deduplicationKey}. */
  readonly byClientMessageId: Map<string, StoredMessage>;
}

/**
 * (author, clientMessageId) as one string, unambiguous whatever characters they hold: the
 * author's length comes first. Per room, so the room is not part of it; cheaper to build and
 * hash than the JSON array it replaced, on every append (bench/results/NOTES.md §10).
 */
function deduplicationKey({ author, clientMessageId }: AppendInput): string {
  return `${author.length}:${author}${clientMessageId}`;
}

/**
 * Creates a {@link RetainingStore} that keeps everything in this process's memory: for tests
 * and throwaway servers. "Durable" here means only "until the process exits"; nothing is shared
 * with other instances.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): RetainingStore {
  const now = options.now ?? (() => new Date());
  const rooms = new Map<string, Room>();
  const listeners = createListenerSet();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new MessageStoreClosedError();
  }

  function idRangeOf(room: Room | undefined): RoomIdRange {
    if (room === undefined) return { lastId: 0n, removedThrough: 0n };
    return {
      lastId: room.removedThrough + BigInt(room.messages.length),
      removedThrough: room.removedThrough,
    };
  }

  return {
    async append(input) {
      assertOpen();
      let room = rooms.get(input.room);
      const key = input.clientMessageId === "" ? undefined : deduplicationKey(input);
      const original = key === undefined ? undefined : room?.byClientMessageId.get(key);
      if (original !== undefined) return { message: original, duplicate: true };

      if (room === undefined) {
        room = { messages: [], removedThrough: 0n, byClientMessageId: new Map() };
        rooms.set(input.room, room);
      }
      const message: StoredMessage = {
        room: input.room,
        id: idRangeOf(room).lastId + 1n,
        author: input.author,
        text: input.text,
        sentAt: now(),
        clientMessageId: input.clientMessageId,
      };
      room.messages.push(message);
      if (key !== undefined) room.byClientMessageId.set(key, message);
      listeners.emit(message);
      return { message, duplicate: false };
    },

    async readAfter(room, afterId, limit) {
      assertOpen();
      assertReadLimit(limit);
      const kept = rooms.get(room);
      if (kept === undefined) return [];
      const skip = afterId - kept.removedThrough;
      if (skip >= BigInt(kept.messages.length)) return [];
      const start = skip < 0n ? 0 : Number(skip);
      return kept.messages.slice(start, start + limit);
    },

    async stats(room) {
      assertOpen();
      const counted = room === undefined ? [...rooms.values()] : [rooms.get(room)];
      const sizes = counted.map((kept) => kept?.messages.length ?? 0);
      return {
        messageCount: BigInt(sizes.reduce((sum, size) => sum + size, 0)),
        roomCount: sizes.filter((size) => size > 0).length,
      };
    },

    async roomsWithMessages() {
      assertOpen();
      return [...rooms].filter(([, kept]) => kept.messages.length > 0).map(([name]) => name);
    },

    async trimRoom(name, policy, at, limit) {
      assertOpen();
      const room = rooms.get(name);
      if (room === undefined) return 0;
      const floor = retentionFloor(
        policy,
        at,
        idRangeOf(room),
        room.messages.slice(0, limit),
        limit,
      );
      const removed = room.messages.splice(0, Number(floor - room.removedThrough));
      room.removedThrough = floor;
      for (const message of removed) {
        if (message.clientMessageId !== "")
          room.byClientMessageId.delete(deduplicationKey(message));
      }
      return removed.length;
    },

    async idRange(room) {
      assertOpen();
      return idRangeOf(rooms.get(room));
    },

    subscribe(listener, room) {
      assertOpen();
      return listeners.add(listener, room);
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

import { connect, createConnection, toStoreError } from "./redis-connection.js";
import { decodeMessage } from "./redis-entries.js";
import { DEFAULT_NAMESPACE, redisKeys } from "./redis-keys.js";
import type { RoomCatalog, StoredRoom } from "./room-catalog.js";

/** How to open a {@link createRedisRoomCatalog} catalog. */
export interface RedisRoomCatalogOptions {
  readonly url: string;
  /** The store's namespace (default `fibchat:`). */
  readonly namespace?: string;
}

/**
 * A {@link RoomCatalog} of the Redis store at `url`, on a connection of its own. Room names come
 * from the store's set of rooms, read whole and sorted here (a set has no order): fine for tens of
 * thousands of rooms. A room's count is its stream's length, its last message the stream's last
 * entry, so both stay right whatever the store trims.
 */
export async function createRedisRoomCatalog(
  options: RedisRoomCatalogOptions,
): Promise<RoomCatalog> {
  const keys = redisKeys(options.namespace ?? DEFAULT_NAMESPACE);
  const redis = createConnection(options.url, "rooms", { commandTimeout: 5_000 });
  redis.on("error", () => {});
  await connect(redis);

  async function describe(room: string): Promise<StoredRoom | undefined> {
    const [count, last] = await Promise.all([
      redis.xlen(keys.messages(room)),
      redis.xrevrange(keys.messages(room), "+", "-", "COUNT", 1),
    ]);
    const entry = last[0];
    if (count === 0 || entry === undefined) return undefined;
    return { room, messageCount: BigInt(count), lastMessageAt: decodeMessage(room, entry).sentAt };
  }

  return {
    async storedRooms(after, limit) {
      try {
        const names = (await redis.smembers(keys.rooms)).filter((room) => room > after).sort();
        const rooms: StoredRoom[] = [];
        // Usually every name is a room with messages: read a page's worth at once.
        for (let start = 0; start < names.length && rooms.length < limit; start += limit) {
          const described = await Promise.all(names.slice(start, start + limit).map(describe));
          for (const room of described)
            if (room !== undefined && rooms.length < limit) rooms.push(room);
        }
        return rooms;
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

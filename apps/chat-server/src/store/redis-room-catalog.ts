import { Cluster, type Redis } from "ioredis";
import { connectCluster, createClusterConnection } from "./redis-cluster-connection.js";
import { scanRooms } from "./redis-cluster-rooms.js";
import { parseClusterUrl } from "./redis-cluster-url.js";
import { connect, createConnection, toStoreError } from "./redis-connection.js";
import { decodeMessage } from "./redis-entries.js";
import { DEFAULT_NAMESPACE, redisKeys } from "./redis-keys.js";
import type { RoomCatalog, StoredRoom } from "./room-catalog.js";

/** How to open a {@link createRedisRoomCatalog} catalog. */
export interface RedisRoomCatalogOptions {
  /** `redis://…`, or `redis-cluster://…` for a Redis Cluster. */
  readonly url: string;
  /** The store's namespace (default `fibchat:`). */
  readonly namespace?: string;
}

/**
 * A {@link RoomCatalog} of the Redis store at `url`, on a connection of its own. Room names come
 * from the store's set of rooms, read whole and sorted here (a set has no order): fine for tens of
 * thousands of rooms. A room's count is its stream's length, its last message the stream's last
 * entry, so both stay right whatever the store trims. On a Redis Cluster no set holds every room
 * (no key shares a slot with them all): the names come from a SCAN of every master's room streams.
 */
export async function createRedisRoomCatalog(
  options: RedisRoomCatalogOptions,
): Promise<RoomCatalog> {
  const keys = redisKeys(options.namespace ?? DEFAULT_NAMESPACE);
  const redis: Redis | Cluster = options.url.includes("-cluster://")
    ? createClusterConnection(parseClusterUrl(options.url), "rooms")
    : createConnection(options.url, "rooms", { commandTimeout: 5_000 });
  redis.on("error", () => {});
  if (redis instanceof Cluster) await connectCluster(redis);
  else await connect(redis);

  async function roomNames(): Promise<string[]> {
    if (!(redis instanceof Cluster)) return redis.smembers(keys.rooms);
    return [...(await scanRooms(redis, keys.messagesPattern, keys.roomOfMessagesKey))];
  }

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
        const names = (await roomNames()).filter((room) => room > after).sort();
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

import type { Logger } from "@fibchat/server-kit";
import { openStore, type StoreHooks } from "./open-store.js";
import { createLocalPresence, type PresenceRegistry } from "./presence/index.js";
import type { RetainingStore } from "./store/message-retention.js";
import type { StreamEntry } from "./store/redis-entries.js";
import type { RedisPresence } from "./store/redis-presence.js";
import type { RoomCatalog } from "./store/room-catalog.js";
import type { StoreLocation } from "./store-location.js";

/** What a chat server keeps in its store: messages, presence, and the list of rooms. */
export interface ChatStorage {
  readonly store: RetainingStore;
  readonly presence: PresenceRegistry;
  readonly rooms: RoomCatalog;
  /** Closes presence (ending this instance's), the catalog, then the store. */
  close(): Promise<void>;
}

/** Options of {@link openStorage}. */
export interface StorageOptions {
  /** `--presence-ttl` (Redis only: memory and SQLite presence belongs to this instance). */
  readonly presenceTtlMs: number;
  /** For Redis: the presence and room keys' namespace (tests isolate themselves with it). */
  readonly redisNamespace?: string;
  /** What the store reports for metrics. */
  readonly storeHooks?: StoreHooks | undefined;
  /** `--redis-min-replicas-acked` (Redis Cluster only). */
  readonly redisMinReplicasAcked?: number | undefined;
  /** `--redis-replication-timeout` (Redis Cluster only). */
  readonly redisReplicationTimeoutMs?: number | undefined;
}

/**
 * Opens the store `--store` names (see openStore), with the presence registry and room catalog
 * that go with it: for memory and SQLite, this instance's sessions; for Redis, every instance's.
 */
export async function openStorage(
  location: StoreLocation,
  log: Logger,
  {
    presenceTtlMs,
    redisNamespace,
    storeHooks,
    redisMinReplicasAcked,
    redisReplicationTimeoutMs,
  }: StorageOptions,
): Promise<ChatStorage> {
  // Entries the follower hears before the registry exists reach no session: none is open yet.
  let redisPresence: RedisPresence | undefined;
  const onOtherEvent = (entry: StreamEntry) => redisPresence?.onEvent(entry);
  const onShardEvent = (room: string, payload: string) =>
    redisPresence?.onShardEvent(room, payload);
  const store = await openStore(location, log, {
    onOtherEvent,
    onShardEvent,
    minReplicasAcked: redisMinReplicasAcked,
    replicationTimeoutMs: redisReplicationTimeoutMs,
    ...(redisNamespace === undefined ? {} : { namespace: redisNamespace }),
    ...(storeHooks === undefined ? {} : { hooks: storeHooks }),
  });
  try {
    let presence: PresenceRegistry;
    let rooms: RoomCatalog;
    // As openStore: only the modules of the store in use are loaded.
    if (location.kind === "redis" || location.kind === "redis-cluster") {
      const [{ createRedisPresence }, { createRedisRoomCatalog }] = await Promise.all([
        import("./store/redis-presence.js"),
        import("./store/redis-room-catalog.js"),
      ]);
      redisPresence = await createRedisPresence({
        url: location.url,
        ...("follow" in store ? { follow: (room: string) => store.follow(room) } : {}),
        ttlMs: presenceTtlMs,
        ...(redisNamespace === undefined ? {} : { namespace: redisNamespace }),
        onError: (error) => log.warn({ err: error }, "presence heartbeat failed"),
      });
      presence = redisPresence;
      rooms = await createRedisRoomCatalog({
        url: location.url,
        ...(redisNamespace === undefined ? {} : { namespace: redisNamespace }),
      });
    } else {
      presence = createLocalPresence();
      rooms =
        location.kind === "sqlite"
          ? (await import("./store/sqlite/sqlite-room-catalog.js")).createSqliteRoomCatalog(
              location.path,
            )
          : (await import("./store/memory-room-catalog.js")).createMemoryRoomCatalog(store);
    }
    return {
      store,
      presence,
      rooms,
      async close() {
        await presence.close();
        await rooms.close();
        await store.close();
      },
    };
  } catch (error) {
    await redisPresence?.close();
    await store.close();
    throw error;
  }
}

export { createMemoryRoomCatalog } from "./memory-room-catalog.js";
export { createMemoryStore, type MemoryStoreOptions } from "./memory-store.js";
export {
  type MessageRetention,
  type RetainingStore,
  type RetentionPolicy,
  type RoomIdRange,
  retainsEverything,
} from "./message-retention.js";
export {
  type AppendInput,
  type AppendResult,
  type AvailabilityListener,
  type CommittedBatch,
  type MessageListener,
  type MessageStore,
  MessageStoreClosedError,
  MessageStoreUnavailableError,
  ReplicationUnconfirmedError,
  type StoredMessage,
  type StoreStats,
} from "./message-store.js";
export {
  createRedisClusterStore,
  type RedisClusterStore,
  type RedisClusterStoreOptions,
} from "./redis-cluster-store.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
export {
  DEFAULT_TRIM_BATCH,
  DEFAULT_TRIM_INTERVAL_MS,
  type Retention,
  type RetentionOptions,
  startRetention,
} from "./retention-trimmer.js";
export type { RoomCatalog, StoredRoom } from "./room-catalog.js";
export { createSqliteRoomCatalog } from "./sqlite/sqlite-room-catalog.js";
export {
  createSqliteStore,
  type SqliteStoreOptions,
} from "./sqlite/sqlite-store.js";

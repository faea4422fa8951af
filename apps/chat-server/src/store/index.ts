export { createMemoryRoomCatalog } from "./memory-room-catalog.js";
export { createMemoryStore } from "./memory-store.js";
export {
  type AppendInput,
  type AppendResult,
  type AvailabilityListener,
  type MessageListener,
  type MessageStore,
  MessageStoreClosedError,
  MessageStoreUnavailableError,
  type StoredMessage,
  type StoreStats,
} from "./message-store.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
export type { RoomCatalog, StoredRoom } from "./room-catalog.js";
export { createSqliteRoomCatalog } from "./sqlite/sqlite-room-catalog.js";
export {
  type CommittedBatch,
  createSqliteStore,
  type SqliteStoreOptions,
} from "./sqlite/sqlite-store.js";

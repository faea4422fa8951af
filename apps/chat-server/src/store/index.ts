export { createMemoryStore } from "./memory-store.js";
export {
  type AppendInput,
  type AppendResult,
  type AvailabilityListener,
  type CommittedBatch,
  type MessageListener,
  type MessageStore,
  MessageStoreClosedError,
  MessageStoreUnavailableError,
  type StoredMessage,
  type StoreStats,
} from "./message-store.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
export {
  createSqliteStore,
  type SqliteStoreOptions,
} from "./sqlite/sqlite-store.js";

export { createMemoryStore } from "./memory-store.js";
export {
  type AppendInput,
  type AppendResult,
  type MessageListener,
  type MessageStore,
  MessageStoreClosedError,
  type StoredMessage,
  type StoreStats,
} from "./message-store.js";
export { type CommittedBatch, createSqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";

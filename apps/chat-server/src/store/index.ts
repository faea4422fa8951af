/*
 * The store's contract: the interfaces every store implements, its errors, and retention. The
 * stores themselves (memory, SQLite, Redis, Redis Cluster) are imported from their own modules,
 * and by the server only once `--store` has named one (open-store.ts), so that a server does not
 * load the drivers it does not use.
 */
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
  DEFAULT_TRIM_BATCH,
  DEFAULT_TRIM_INTERVAL_MS,
  type Retention,
  type RetentionOptions,
  startRetention,
} from "./retention-trimmer.js";
export type { RoomCatalog, StoredRoom } from "./room-catalog.js";

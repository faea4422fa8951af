import { ConfigError, type Logger } from "@fibchat/server-kit";
import {
  type CommittedBatch,
  createMemoryStore,
  createRedisStore,
  createSqliteStore,
  type MessageStore,
  MessageStoreUnavailableError,
} from "./store/index.js";
import { describeStoreLocation, type StoreLocation } from "./store-location.js";

/** What a store reports for metrics (see chat-prometheus.ts). */
export interface StoreHooks {
  /** Each commit of appends (SQLite: a group-commit transaction; Redis: one append). */
  readonly onCommit?: (batch: CommittedBatch) => void;
  /** Each Redis connection made ready again after an outage. */
  readonly onReconnect?: () => void;
}

/**
 * Opens the store `--store` names. A store that cannot be opened, including a Redis server that
 * cannot be reached at start, is a configuration error: the process exits 2 saying why.
 */
export async function openStore(
  location: StoreLocation,
  log: Logger,
  hooks: StoreHooks = {},
): Promise<MessageStore> {
  switch (location.kind) {
    case "memory":
      return createMemoryStore();
    case "sqlite":
      try {
        return createSqliteStore({
          path: location.path,
          ...(hooks.onCommit && { onCommit: hooks.onCommit }),
        });
      } catch (error) {
        throw new ConfigError(`cannot open the SQLite store at ${location.path}: ${reason(error)}`);
      }
    case "redis":
      try {
        return await createRedisStore({
          url: location.url,
          onError: (error) => log.warn({ err: error }, "Redis store: connection or read failed"),
          ...hooks,
        });
      } catch (error) {
        const where = describeStoreLocation(location);
        if (error instanceof MessageStoreUnavailableError) {
          throw new ConfigError(
            `cannot connect to Redis at ${where} (${reason(error.cause)}): start it, or correct --store`,
          );
        }
        throw new ConfigError(`cannot open the Redis store at ${where}: ${reason(error)}`);
      }
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

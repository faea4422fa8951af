import { ConfigError, type Logger } from "@fibchat/server-kit";
import { createMemoryStore, createSqliteStore, type MessageStore } from "./store/index.js";
import type { StoreLocation } from "./store-location.js";

/** Opens the store `--store` names. A store that cannot be opened is a configuration error. */
export async function openStore(location: StoreLocation, _log: Logger): Promise<MessageStore> {
  switch (location.kind) {
    case "memory":
      return createMemoryStore();
    case "sqlite":
      try {
        return createSqliteStore({ path: location.path });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ConfigError(`cannot open the SQLite store at ${location.path}: ${reason}`);
      }
    case "redis":
      throw new ConfigError(
        "the Redis store is not available in this build; use sqlite:PATH or memory",
      );
  }
}

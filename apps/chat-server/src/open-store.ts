import { ConfigError, type Logger } from "@fibchat/server-kit";
import type { RetainingStore } from "./store/message-retention.js";
import { type CommittedBatch, MessageStoreUnavailableError } from "./store/message-store.js";
import type { RedisClusterStore } from "./store/redis-cluster-store.js";
import type { StreamEntry } from "./store/redis-entries.js";
import { describeStoreLocation, type StoreLocation } from "./store-location.js";

/** What a store reports for metrics (see chat-prometheus.ts). */
export interface StoreHooks {
  /** Each commit of appends (SQLite: a group-commit transaction; Redis: one append). */
  readonly onCommit?: (batch: CommittedBatch) => void;
  /** Each Redis connection made ready again after an outage. */
  readonly onReconnect?: () => void;
}

/**
 * Opens the store `--store` names; only that store's module (and its driver: ioredis, SQLite) is
 * loaded, so a server on one store does not pay the others' start-up. A store that cannot be opened, including a Redis server that
 * cannot be reached at start, is a configuration error: the process exits 2 saying why.
 */
export async function openStore(
  location: StoreLocation,
  log: Logger,
  {
    onOtherEvent,
    onShardEvent,
    minReplicasAcked,
    replicationTimeoutMs,
    namespace,
    hooks = {},
  }: {
    /** For Redis: the events-stream entries that are not messages (presence's joins and leaves). */
    readonly onOtherEvent?: (entry: StreamEntry) => void;
    /** For a Redis Cluster: the shard-channel messages that are not message hints (presence's). */
    readonly onShardEvent?: (room: string, payload: string) => void;
    /** For a Redis Cluster: `--redis-min-replicas-acked` (undefined: 1 if masters have replicas). */
    readonly minReplicasAcked?: number | undefined;
    /** For a Redis Cluster: `--redis-replication-timeout`. */
    readonly replicationTimeoutMs?: number | undefined;
    /** For Redis: the keys' namespace, when not the default (tests). */
    readonly namespace?: string;
    /** What the store reports for metrics. */
    readonly hooks?: StoreHooks;
  } = {},
): Promise<RetainingStore | RedisClusterStore> {
  switch (location.kind) {
    case "memory":
      return (await import("./store/memory-store.js")).createMemoryStore();
    case "sqlite": {
      const { createSqliteStore } = await import("./store/sqlite/sqlite-store.js");
      try {
        return createSqliteStore({
          path: location.path,
          onError: (error) =>
            log.error({ err: error }, "SQLite store: the writer thread died; restart the server"),
          ...(hooks.onCommit && { onCommit: hooks.onCommit }),
        });
      } catch (error) {
        throw new ConfigError(`cannot open the SQLite store at ${location.path}: ${reason(error)}`);
      }
    }
    case "redis": {
      const { createRedisStore } = await import("./store/redis-store.js");
      try {
        return await createRedisStore({
          url: location.url,
          onError: (error) => log.warn({ err: error }, "Redis store: connection or read failed"),
          ...(onOtherEvent === undefined ? {} : { onOtherEvent }),
          ...(namespace === undefined ? {} : { namespace }),
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
    case "redis-cluster": {
      const { createRedisClusterStore } = await import("./store/redis-cluster-store.js");
      try {
        const store = await createRedisClusterStore({
          url: location.url,
          onError: (error) =>
            log.warn({ err: error }, "Redis Cluster store: connection or read failed"),
          ...(onShardEvent === undefined ? {} : { onOtherEvent: onShardEvent }),
          ...(minReplicasAcked === undefined ? {} : { minReplicasAcked }),
          ...(replicationTimeoutMs === undefined ? {} : { replicationTimeoutMs }),
          ...(namespace === undefined ? {} : { namespace }),
          ...hooks,
        });
        log.info(
          { minReplicasAcked: store.minReplicasAcked },
          store.minReplicasAcked === 0
            ? "Redis Cluster: posts are acknowledged without waiting for a replica"
            : `Redis Cluster: posts are acknowledged once on ${store.minReplicasAcked} replica(s)`,
        );
        return store;
      } catch (error) {
        const where = describeStoreLocation(location);
        if (error instanceof MessageStoreUnavailableError) {
          throw new ConfigError(
            `cannot use the Redis Cluster at ${where} (${reason(error.cause)}): start it, wait for cluster_state:ok, or correct --store`,
          );
        }
        throw new ConfigError(`cannot open the Redis Cluster store at ${where}: ${reason(error)}`);
      }
    }
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

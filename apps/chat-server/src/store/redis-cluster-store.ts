import type { Cluster } from "ioredis";
import { createAvailability } from "./availability.js";
import type { RetainingStore, RoomIdRange } from "./message-retention.js";
import {
  type AppendInput,
  type AppendResult,
  assertReadLimit,
  type CommittedBatch,
  MessageStoreClosedError,
  ReplicationUnconfirmedError,
} from "./message-store.js";
import { createClusterAppender } from "./redis-cluster-appender.js";
import {
  clusterState,
  connectCluster,
  createClusterConnection,
} from "./redis-cluster-connection.js";
import { createClusterNotifier, readConfirmed } from "./redis-cluster-notifier.js";
import { scanRooms } from "./redis-cluster-rooms.js";
import { defineClusterScripts } from "./redis-cluster-scripts.js";
import { parseClusterUrl } from "./redis-cluster-url.js";
import { toStoreError } from "./redis-connection.js";
import { DEFAULT_REPLICATION_TIMEOUT_MS } from "./redis-defaults.js";
import { DEFAULT_NAMESPACE, redisKeys } from "./redis-keys.js";
import { decodeRange, defineClusterTrimScript, trimClusterRoom } from "./redis-retention.js";

/** How to open a {@link createRedisClusterStore} store. */
export interface RedisClusterStoreOptions {
  /** `redis-cluster://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT…]`, or `rediss-cluster://…` for TLS. */
  readonly url: string;
  /** Starts every key, as for one Redis. Default `fibchat:`. */
  readonly namespace?: string;
  /**
   * Replicas that must have an append before it is acknowledged (`WAIT`); 0 acknowledges once
   * the master has it. Default 1 when the cluster's masters have replicas, else 0.
   */
  readonly minReplicasAcked?: number;
  /** How long an append waits for those replicas before failing unavailable. Default 1 s. */
  readonly replicationTimeoutMs?: number;
  /** How often followed rooms are read whatever the hints said (tests shorten it). Default 1 s. */
  readonly sweepMs?: number;
  /** Hears, for the log, why the store became unreachable and failures to read rooms. */
  readonly onError?: (error: unknown) => void;
  /** Receives the shard-channel messages that are not message hints: presence's joins and leaves. */
  readonly onOtherEvent?: (room: string, payload: string) => void;
  /** Hears of each batch of a room's appends answered together, for metrics. */
  readonly onCommit?: (batch: CommittedBatch) => void;
  /** Hears of the cluster becoming usable again after the store opened, for metrics. */
  readonly onReconnect?: () => void;
}

// Redis counters are signed 64-bit integers: no id can exceed this.
const INT64_MAX = 2n ** 63n - 1n;

/** The Redis Cluster store, and what the cluster's presence registry needs of it. */
export interface RedisClusterStore extends RetainingStore {
  /** `--redis-min-replicas-acked` as applied (the default resolved). */
  readonly minReplicasAcked: number;
  /**
   * Follows `room`'s shard channel (its notifications, joins and leaves) until the returned
   * function is called; resolves once subscribed. Rejects with the store's errors.
   */
  follow(room: string): Promise<() => void>;
}

/** How often availability is checked against `CLUSTER INFO`. */
const HEALTH_CHECK_MS = 1_000;

/**
 * Opens a {@link RetainingStore} on the Redis Cluster (7.0 or later) at `url`, with the contract
 * of the single-Redis store, except that `subscribe` needs a room. Every key of a room carries
 * its hash tag, so an append is one script on the room's master; nothing is shared between
 * rooms. An append is acknowledged once `WAIT` has confirmed it on `minReplicasAcked` replicas
 * (then the room's replicated-through mark is raised and confirmed the same way), so a failover
 * loses no acknowledged message; readers and notifications never go past the mark, so no one
 * sees a message a failover could take back, and ids are never reused. If the replicas do not
 * confirm in time, the append rejects with a {@link ReplicationUnconfirmedError}.
 *
 * Rooms and global counts are found by scanning every master (see redis-cluster-rooms.ts).
 * Rejects with a MessageStoreUnavailableError if the cluster cannot be reached or is not
 * `cluster_state:ok` now.
 */
export async function createRedisClusterStore(
  options: RedisClusterStoreOptions,
): Promise<RedisClusterStore> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const keys = redisKeys(namespace);
  const timeoutMs = options.replicationTimeoutMs ?? DEFAULT_REPLICATION_TIMEOUT_MS;
  const cluster = createClusterConnection(parseClusterUrl(options.url), "cluster", timeoutMs);
  defineClusterScripts(cluster);
  defineClusterTrimScript(cluster);
  let lastError: unknown;
  cluster.on("error", (error: unknown) => {
    lastError = error;
  });
  await connectCluster(cluster);
  const minReplicas = options.minReplicasAcked ?? (await defaultMinReplicas(cluster));

  const availability = createAvailability(true);
  // One check at a time: a slow answer must not land after a newer one and undo it.
  let checking = false;
  const health = setInterval(() => {
    if (checking) return;
    checking = true;
    checkHealth()
      .catch(() => {})
      .finally(() => {
        checking = false;
      });
  }, HEALTH_CHECK_MS);
  async function checkHealth(): Promise<void> {
    let available = false;
    try {
      available = cluster.status === "ready" && (await clusterState(cluster)) === "ok";
    } catch (error) {
      lastError = error;
    }
    if (available === availability.current) return;
    if (!available) options.onError?.(lastError);
    else options.onReconnect?.();
    availability.set(available);
  }

  const notifier = createClusterNotifier({
    cluster,
    keys,
    onOther: options.onOtherEvent,
    onError: (error) => options.onError?.(error),
    ...(options.sweepMs === undefined ? {} : { sweepMs: options.sweepMs }),
  });
  const appending = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing !== undefined) throw new MessageStoreClosedError();
  }

  async function call<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  const appender = createClusterAppender({
    cluster,
    keys,
    minReplicas,
    timeoutMs,
    onCommit: options.onCommit,
    onError: (error) => options.onError?.(error),
  });

  async function append(input: AppendInput): Promise<AppendResult> {
    // A room followed here: its starting point first, so that its listeners hear of this append.
    await notifier.ready(input.room);
    const outcome = await appender.append(input);
    // As with every store, this instance's listeners have the message before the poster.
    await notifier.delivered(input.room, outcome.message.id);
    return { message: outcome.message, duplicate: outcome.duplicate };
  }

  /**
   * The room's ids as readers may see them: the last id is capped at the replicated-through
   * mark (readers never pass it, so neither do the stats and ranges they are told about), and is
   * never below what retention removed.
   */
  async function idRange(room: string): Promise<RoomIdRange> {
    const [lastId, removedThrough, mark] = await call(
      cluster.mget(keys.lastId(room), keys.removedThrough(room), keys.replicatedThrough(room)),
    );
    const range = decodeRange(lastId, removedThrough);
    const confirmed = BigInt(mark ?? 0);
    const visible = range.lastId < confirmed ? range.lastId : confirmed;
    return {
      lastId: visible > range.removedThrough ? visible : range.removedThrough,
      removedThrough: range.removedThrough,
    };
  }

  /** The rooms holding a message, with how many each holds. */
  async function roomCounts(): Promise<Map<string, bigint>> {
    const rooms = await call(scanRooms(cluster, keys.messagesPattern, keys.roomOfMessagesKey));
    const counts = await Promise.all(
      [...rooms].map(
        async (room) => [room, BigInt(await call(cluster.xlen(keys.messages(room))))] as const,
      ),
    );
    return new Map(counts.filter(([, count]) => count > 0n));
  }

  async function shutDown(): Promise<void> {
    availability.clear();
    clearInterval(health);
    await Promise.allSettled(appending);
    await notifier.stop();
    cluster.disconnect();
  }

  return {
    minReplicasAcked: minReplicas,

    async follow(room) {
      assertOpen();
      return call(notifier.follow(room));
    },

    append(input) {
      if (closing !== undefined) return Promise.reject(new MessageStoreClosedError());
      const reply = append(input).catch((error: unknown) => {
        throw error instanceof ReplicationUnconfirmedError ? error : toStoreError(error);
      });
      appending.add(reply);
      const settled = () => appending.delete(reply);
      reply.then(settled, settled);
      return reply;
    },

    async readAfter(room, afterId, limit) {
      assertOpen();
      assertReadLimit(limit);
      if (afterId >= INT64_MAX) return [];
      // A room followed here: its starting point first, so this read and its notifications meet.
      await call(notifier.ready(room));
      return call(readConfirmed(cluster, keys, room, afterId, limit));
    },

    async stats(room) {
      assertOpen();
      if (room !== undefined) {
        const { lastId, removedThrough } = await idRange(room);
        const messageCount = lastId - removedThrough;
        return { messageCount, roomCount: messageCount > 0n ? 1 : 0 };
      }
      const counts = await roomCounts();
      let messageCount = 0n;
      for (const count of counts.values()) messageCount += count;
      return { messageCount, roomCount: counts.size };
    },

    async roomsWithMessages() {
      assertOpen();
      return [...(await roomCounts()).keys()];
    },

    async trimRoom(room, policy, now, limit) {
      assertOpen();
      return call(trimClusterRoom(cluster, keys, room, policy, now, limit));
    },

    async idRange(room) {
      assertOpen();
      return idRange(room);
    },

    subscribe(listener, room) {
      assertOpen();
      if (room === undefined) {
        throw new RangeError(
          "the Redis Cluster store notifies per room: subscribe(listener, room)",
        );
      }
      return notifier.subscribe(room, listener);
    },

    watchAvailability(listener) {
      assertOpen();
      return availability.watch(listener);
    },

    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

/**
 * The default of `--redis-min-replicas-acked`: 1 on a cluster that has replicas, 0 on one built
 * without any. Any replica in `CLUSTER NODES` counts, failed ones too: right after a failover the
 * promoted master has no replica of its own (and a failed old master none either), but the
 * cluster was built with replicas and its posts must keep waiting for them, not silently stop.
 */
async function defaultMinReplicas(cluster: Cluster): Promise<number> {
  const nodes = String(await cluster.cluster("NODES")).split("\n");
  // Fields: id address flags master-id …; a replica's flags hold "slave" (Redis 7 still says so).
  const hasReplica = nodes.some((line) =>
    /(^|,)(slave|replica)(,|$)/.test(line.split(" ")[2] ?? ""),
  );
  return hasReplica ? 1 : 0;
}

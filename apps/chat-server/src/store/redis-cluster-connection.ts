import { Cluster, type ClusterNode } from "ioredis";
import { MessageStoreUnavailableError } from "./message-store.js";
import type { ClusterAddress } from "./redis-cluster-url.js";

/** The longest pause between two reconnection attempts, as for a single Redis. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** The longest wait for a reply, unless WAIT's own timeout is longer. */
const COMMAND_TIMEOUT_MS = 5_000;

/**
 * A client of the Redis Cluster at `address`, not connected yet; `role` names its connections in
 * `CLIENT LIST`. It follows the cluster's slots (MOVED, failovers) by itself, and keeps per-room
 * sharded pub/sub subscriptions on the connection of each slot's master, re-subscribing after a
 * failover (ioredis `shardedSubscribers`).
 */
export function createClusterConnection(
  address: ClusterAddress,
  role: string,
  replicationTimeoutMs = 0,
): Cluster {
  const nodes: ClusterNode[] = address.nodes.map(({ host, port }) => ({ host, port }));
  return new Cluster(nodes, {
    lazyConnect: true,
    // As for one Redis: no queue while the cluster is unreachable, so posts fail at once.
    enableOfflineQueue: false,
    shardedSubscribers: true,
    // Slots change hands in a failover: follow them within a second of the cluster noticing.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    redisOptions: {
      connectionName: `fibchat-chat-server:${role}`,
      // WAIT blocks for up to its own timeout: never cut it short.
      commandTimeout: Math.max(COMMAND_TIMEOUT_MS, replicationTimeoutMs + 1_000),
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      ...(address.tls ? { tls: {} } : {}),
      ...(address.username === undefined ? {} : { username: address.username }),
      ...(address.password === undefined ? {} : { password: address.password }),
    },
  });
}

/**
 * Connects `cluster` and resolves once it is ready and reports `cluster_state:ok`. If either
 * fails it disconnects and rejects with a {@link MessageStoreUnavailableError} naming why.
 */
export async function connectCluster(cluster: Cluster): Promise<void> {
  let lastError: unknown;
  const record = (error: unknown) => {
    lastError = error;
  };
  cluster.on("error", record);
  try {
    await cluster.connect();
    const state = await clusterState(cluster);
    if (state !== "ok") throw new Error(`the cluster reports cluster_state:${state}`);
  } catch (error) {
    cluster.disconnect();
    throw new MessageStoreUnavailableError({ cause: lastError ?? error });
  } finally {
    cluster.off("error", record);
  }
}

/** What `CLUSTER INFO` of one of the cluster's masters says of `cluster_state` (`ok`, `fail`). */
export async function clusterState(cluster: Cluster): Promise<string> {
  const info = await cluster.cluster("INFO");
  return /cluster_state:([a-z]+)/.exec(String(info))?.[1] ?? "unknown";
}

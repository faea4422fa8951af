import { Redis, type RedisOptions } from "ioredis";
import { MessageStoreUnavailableError } from "./message-store.js";

/** The longest pause between two reconnection attempts: how soon the store is back after Redis. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * A client of the Redis server at `url`, not connected yet; `role` names it in `CLIENT LIST`.
 * While disconnected it reconnects by itself, and every command fails at once.
 */
export function createConnection(url: string, role: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectionName: `fibchat-chat-server:${role}`,
    // No queue of commands waiting for a reconnection: while Redis is away a post fails at once
    // (UNAVAILABLE) instead of hanging.
    enableOfflineQueue: false,
    // A command whose reply was lost with the connection fails; it is never sent again, since
    // resending an append without a clientMessageId could store it twice.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    ...overrides,
  });
}

/**
 * Connects `redis` and resolves once it is ready (any dataset loaded). If that fails it stops
 * reconnecting and rejects with a {@link MessageStoreUnavailableError} naming the reason.
 */
export async function connect(redis: Redis): Promise<void> {
  let lastError: unknown;
  const record = (error: unknown) => {
    lastError = error;
  };
  redis.on("error", record);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    // connect() rejects with a bare "Connection is closed."; the 'error' event said why.
    throw new MessageStoreUnavailableError({ cause: lastError ?? error });
  } finally {
    redis.off("error", record);
  }
}

/**
 * Answers of a Redis that is between states rather than wrong: a cluster failing over
 * (CLUSTERDOWN, TRYAGAIN, MOVED/ASK past the client's redirections), a server loading its data
 * or a replica not yet promoted. The same call succeeds once it is over.
 */
const TRANSIENT = /^(CLUSTERDOWN|TRYAGAIN|MOVED|ASK|LOADING|MASTERDOWN|READONLY|NOREPLICAS)\b/;

/**
 * What a store call rejects with when its Redis command failed: an answer from Redis itself (a
 * bug, or a server set up wrong) as it is, unless transient (above); any other failure, such as a lost connection or a
 * timeout, as a {@link MessageStoreUnavailableError}.
 */
export function toStoreError(error: unknown): unknown {
  // ioredis types ReplyError as `any`, so it is recognised by name rather than by class.
  if (error instanceof Error && error.name === "ReplyError" && !TRANSIENT.test(error.message)) {
    return error;
  }
  return new MessageStoreUnavailableError({ cause: error });
}

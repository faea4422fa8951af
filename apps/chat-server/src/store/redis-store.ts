import { createAvailability } from "./availability.js";
import { createListenerSet } from "./listener-set.js";
import type { RetainingStore } from "./message-retention.js";
import {
  assertReadLimit,
  type CommittedBatch,
  MessageStoreClosedError,
  MessageStoreUnavailableError,
  type StoreStats,
} from "./message-store.js";
import { decodeAppendReply, defineAppendScript, runAppendScript } from "./redis-append-script.js";
import { connect, createConnection, toStoreError } from "./redis-connection.js";
import { decodeMessage, messageEntryId, type StreamEntry } from "./redis-entries.js";
import { followEvents } from "./redis-event-follower.js";
import { DEFAULT_NAMESPACE, redisKeys } from "./redis-keys.js";
import { createRedisRetention, defineTrimScript } from "./redis-retention.js";

/** How to open a {@link createRedisStore} store. */
export interface RedisStoreOptions {
  /** `redis://[[USER]:PASSWORD@]HOST:PORT[/DB]`, or `rediss://…` for TLS. */
  readonly url: string;
  /** Starts every key; stores on one Redis share their rooms when they share it. Default `fibchat:`. */
  readonly namespace?: string;
  /**
   * Hears, for the log, why the store became unreachable (once per outage) and any failure to
   * follow the events stream other than a lost connection.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Receives the entries of the events stream that are not message notifications, in their
   * place among the messages `subscribe` hears of: how the Redis presence registry hears of
   * joins and leaves in an order consistent with the messages.
   */
  readonly onOtherEvent?: (entry: StreamEntry) => void;
  /** Hears of each append the script answered (a batch of one), for metrics. */
  readonly onCommit?: (batch: CommittedBatch) => void;
  /** Hears of each connection made ready again after the store opened, for metrics. */
  readonly onReconnect?: () => void;
}

// Redis counters are signed 64-bit integers: no id can exceed this.
const INT64_MAX = 2n ** 63n - 1n;

/** The longest wait for a reply: a Redis that hangs without closing the connection fails posts. */
const COMMAND_TIMEOUT_MS = 5_000;

/**
 * Opens a {@link MessageStore} on the Redis server (5.0 or later) at `url`. Every instance that
 * opens one on the same Redis and namespace shares the rooms: ids stay 1, 2, 3 … per room with
 * no gap and no reuse, a repeated clientMessageId is recognised whichever instance receives it,
 * and `subscribe` hears of the messages every instance stores. Rejects with a
 * {@link MessageStoreUnavailableError} if Redis cannot be reached now.
 *
 * Each room's history is a stream; an append is one Lua script that also adds a small entry to
 * one events stream, which every instance follows on a connection of its own. An append resolves
 * when the script has run, so the message is as durable as Redis's persistence makes it
 * (`appendfsync always` for an fsync per write), and once this instance's listeners have it.
 *
 * When Redis goes away the store turns unavailable (see `watchAvailability`): calls reject with
 * a {@link MessageStoreUnavailableError}, never waiting for it to come back. It reconnects by
 * itself and follows the events from where it stopped, so listeners miss nothing.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RetainingStore> {
  const keys = redisKeys(options.namespace ?? DEFAULT_NAMESPACE);
  const commands = createConnection(options.url, "commands", {
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  // XREAD BLOCK holds its connection for as long as it waits: following needs one of its own.
  const events = createConnection(options.url, "events");
  const connections = [commands, events];
  defineAppendScript(commands);
  defineTrimScript(commands);

  const availability = createAvailability(false);
  let opened = false;
  let lastError: unknown;
  let outageReported = false;
  for (const connection of connections) {
    connection.on("error", (error: unknown) => {
      lastError = error;
      if (opened && !outageReported) {
        outageReported = true;
        options.onError?.(error);
      }
    });
    connection.on("ready", updateAvailability).on("close", updateAvailability);
    connection.on("ready", () => {
      if (opened) options.onReconnect?.();
    });
  }

  function updateAvailability(): void {
    const available = connections.every((connection) => connection.status === "ready");
    if (available) outageReported = false;
    availability.set(available);
  }

  let after: string;
  try {
    await Promise.all(connections.map(connect));
    const [last] = await commands.xrevrange(keys.events, "+", "-", "COUNT", 1);
    after = last?.[0] ?? "0-0";
  } catch (error) {
    for (const connection of connections) connection.disconnect();
    throw error instanceof MessageStoreUnavailableError ? error : toStoreError(error);
  }

  const listeners = createListenerSet();
  const follower = followEvents({
    reader: events,
    keys,
    after,
    emit: (message) => listeners.emit(message),
    onError: (error) => options.onError?.(error),
    onOtherEntry: options.onOtherEvent,
  });
  const appending = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  let disconnected = false;
  opened = true;
  updateAvailability();

  function assertOpen(): void {
    if (closing !== undefined) throw new MessageStoreClosedError();
  }

  /** `operation`, rejecting as the MessageStore interface promises. */
  async function call<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      // A read cut off by close() failed because of the close, not because Redis went away.
      throw disconnected ? new MessageStoreClosedError() : toStoreError(error);
    }
  }

  const retention = createRedisRetention(commands, keys, call);

  async function shutDown(): Promise<void> {
    availability.clear();
    await Promise.allSettled(appending);
    await follower.stop();
    disconnected = true;
    commands.disconnect();
  }

  return {
    append(input) {
      if (closing !== undefined) return Promise.reject(new MessageStoreClosedError());
      // Also refused while only the events connection is down: the append would be stored but
      // not answered until this instance heard of it.
      if (!availability.current) {
        return Promise.reject(new MessageStoreUnavailableError({ cause: lastError }));
      }
      const startedAt = performance.now();
      const reply = call(runAppendScript(commands, keys, input));
      appending.add(reply);
      const settled = () => appending.delete(reply);
      reply.then(settled, settled);
      return reply.then(async (raw) => {
        const outcome = decodeAppendReply(input, raw);
        options.onCommit?.({
          appends: 1,
          stored: outcome.duplicate ? 0 : 1,
          seconds: (performance.now() - startedAt) / 1000,
        });
        // As with every store, this instance's listeners have the message before the poster.
        if (!outcome.duplicate) await follower.passed(outcome.eventId);
        return { message: outcome.message, duplicate: outcome.duplicate };
      });
    },

    async readAfter(room, afterId, limit) {
      assertOpen();
      assertReadLimit(limit);
      if (afterId >= INT64_MAX) return [];
      const first = messageEntryId(afterId < 0n ? 1n : afterId + 1n);
      const entries = await call(commands.xrange(keys.messages(room), first, "+", "COUNT", limit));
      return entries.map((entry) => decodeMessage(room, entry));
    },

    async stats(room) {
      assertOpen();
      if (room !== undefined) {
        // Retention removes a room's oldest messages: ids removedThrough + 1 … lastId are kept.
        const { lastId, removedThrough } = await retention.idRange(room);
        const messageCount = lastId - removedThrough;
        return { messageCount, roomCount: messageCount > 0n ? 1 : 0 };
      }
      // One transaction, so both counts are from the same moment.
      const replies = await call(commands.multi().get(keys.messageCount).scard(keys.rooms).exec());
      return decodeTotals(replies);
    },

    async roomsWithMessages() {
      assertOpen();
      return retention.roomsWithMessages();
    },

    async trimRoom(room, policy, now, limit) {
      assertOpen();
      return retention.trimRoom(room, policy, now, limit);
    },

    async idRange(room) {
      assertOpen();
      return retention.idRange(room);
    },

    subscribe(listener, room) {
      assertOpen();
      return listeners.add(listener, room);
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

function decodeTotals(replies: [error: Error | null, result: unknown][] | null): StoreStats {
  const [count, rooms] = (replies ?? []).map(([error, result]) => {
    if (error !== null) throw error;
    return result;
  });
  if ((count === null || typeof count === "string") && typeof rooms === "number") {
    return { messageCount: BigInt(count ?? 0), roomCount: rooms };
  }
  throw new Error(`unexpected reply to the stats transaction: ${JSON.stringify(replies)}`);
}

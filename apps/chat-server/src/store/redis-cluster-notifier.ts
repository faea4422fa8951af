import { setTimeout as sleep } from "node:timers/promises";
import type { Cluster } from "ioredis";
import type { MessageListener, StoredMessage } from "./message-store.js";
import { decodeMessage, messageEntryId } from "./redis-entries.js";
import type { RedisKeys } from "./redis-keys.js";

/** Messages read per catch-up step. */
const PAGE = 256;

/** How often every followed room is read again, whatever the hints said. */
export const DEFAULT_SWEEP_MS = 1_000;

/**
 * Tries of a room's `SSUBSCRIBE`, and the wait between them: ioredis refuses one ("No sharded
 * subscriber for slot") while its sharded subscribers are still being set up or reassigned, just
 * after start-up or a failover.
 */
const SUBSCRIBE_TRIES = 20;
const SUBSCRIBE_RETRY_MS = 50;

/** What {@link createClusterNotifier} reads, and whom it tells. */
export interface ClusterNotifierOptions {
  readonly cluster: Cluster;
  readonly keys: RedisKeys;
  /** Receives every shard-channel message that is not a new-message hint (presence's). */
  readonly onOther?: ((room: string, payload: string) => void) | undefined;
  /** Failures of a catch-up other than an unreachable cluster; the next sweep reads again. */
  readonly onError: (error: unknown) => void;
  /** The period of the safety sweep; default {@link DEFAULT_SWEEP_MS}. */
  readonly sweepMs?: number;
}

/** Per-room notifications of a Redis Cluster store. */
export interface ClusterNotifier {
  /**
   * Calls `listener` with each message of `room` confirmed from now on, in id order, each once.
   * The first listener of a room subscribes this instance to the room's shard channel; the last
   * to leave unsubscribes it.
   */
  subscribe(room: string, listener: MessageListener): () => void;
  /**
   * Follows `room` without a listener, and resolves once this instance is subscribed to its
   * channel (so it hears what is published from then on) with the function that stops.
   */
  follow(room: string): Promise<() => void>;
  /** Resolves once `room`'s starting point is known, if it is followed (reads wait for it). */
  ready(room: string): Promise<void>;
  /** Resolves once the listeners of `room`, if any, have had every message through `id`. */
  delivered(room: string, id: bigint): Promise<void>;
  /** Hears a room's confirmed mark moving (a hint; it reads the room again). */
  hint(room: string): void;
  /** Stops the sweep and waits for reads under way. */
  stop(): Promise<void>;
}

interface FollowedRoom {
  readonly listeners: Set<MessageListener>;
  /** The id of the last message delivered; undefined until the starting point is read. */
  cursor: bigint | undefined;
  starting: Promise<void> | undefined;
  reading: Promise<void> | undefined;
  /** Set when a hint arrived during a read: read once more after it. */
  again: boolean;
  waiters: { readonly id: bigint; readonly resolve: () => void }[];
}

/**
 * Follows the rooms this instance's sessions are in. Each room has a shard channel (`SPUBLISH`
 * by the scripts, in the room's slot, so on the room's master) carrying its confirmed mark; a
 * hint makes the notifier read the room's stream after the last id it delivered, up to the mark
 * (`XRANGE` and `GET` in one pipeline). Hints are only hints: pub/sub drops them while a
 * connection is down or a master fails over, so every followed room is also read every
 * `sweepMs`. Delivery is therefore gap-free and duplicate-free, and at most `sweepMs` late after
 * a lost hint.
 */
export function createClusterNotifier(options: ClusterNotifierOptions): ClusterNotifier {
  const { cluster, keys } = options;
  const rooms = new Map<string, FollowedRoom>();
  const channels = new Map<string, string>();
  let stopped = false;

  const onShardMessage = (channel: string, payload: string) => {
    const room = channels.get(channel);
    if (room === undefined) return;
    if (/^[0-9]+$/.test(payload)) read(room);
    else options.onOther?.(room, payload);
  };
  cluster.on("smessage", onShardMessage);
  const sweep = setInterval(() => {
    for (const room of rooms.keys()) read(room);
  }, options.sweepMs ?? DEFAULT_SWEEP_MS);

  function start(room: string, followed: FollowedRoom): Promise<void> {
    followed.starting ??= (async () => {
      const channel = keys.channel(room);
      channels.set(channel, room);
      // Subscribed before the mark is read: a message confirmed after the read is hinted. A
      // failed subscription is not ignored: the sweep would still deliver the room's messages,
      // but its presence events only come through the channel. The room counts as started only
      // once subscribed; until then reads and joins wait, and a failure is retried at the next
      // read or sweep.
      await subscribeWithRetries(channel);
      const mark = await cluster.get(keys.replicatedThrough(room));
      followed.cursor = BigInt(mark ?? 0);
    })().catch((error: unknown) => {
      // Read again at the next read() or sweep.
      followed.starting = undefined;
      throw error;
    });
    return followed.starting;
  }

  async function subscribeWithRetries(channel: string): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await cluster.ssubscribe(channel);
        return;
      } catch (error) {
        if (tries >= SUBSCRIBE_TRIES || stopped) throw error;
        await sleep(SUBSCRIBE_RETRY_MS);
      }
    }
  }

  function read(room: string): Promise<void> {
    const followed = rooms.get(room);
    if (followed === undefined || stopped) return Promise.resolve();
    if (followed.reading !== undefined) {
      followed.again = true;
      return followed.reading;
    }
    followed.reading = (async () => {
      try {
        do {
          followed.again = false;
          if (followed.cursor === undefined) await start(room, followed);
          const page = await readConfirmed(cluster, keys, room, followed.cursor ?? 0n, PAGE);
          if (rooms.get(room) !== followed) return;
          for (const message of page) {
            followed.cursor = message.id;
            for (const listener of [...followed.listeners]) {
              try {
                listener(message);
              } catch (error) {
                // As listener-set.ts: a buggy listener surfaces as an uncaught exception.
                queueMicrotask(() => {
                  throw error;
                });
              }
            }
          }
          if (page.length === PAGE) followed.again = true;
          settle(followed, false);
        } while (followed.again && !stopped);
      } catch (error) {
        if (!(error instanceof Error && /Connection|CLUSTERDOWN|Too many/.test(error.message))) {
          options.onError(error);
        }
        // An append waits for delivery only as a courtesy: it must not hang on a failed read.
        settle(followed, true);
      } finally {
        followed.reading = undefined;
      }
    })();
    return followed.reading;
  }

  function settle(followed: FollowedRoom, all: boolean): void {
    const cursor = followed.cursor;
    followed.waiters = followed.waiters.filter((waiter) => {
      if (!all && (cursor === undefined || waiter.id > cursor)) return true;
      waiter.resolve();
      return false;
    });
  }

  const notifier: ClusterNotifier = {
    subscribe(room, listener) {
      let followed = rooms.get(room);
      if (followed === undefined) {
        followed = {
          listeners: new Set(),
          cursor: undefined,
          starting: undefined,
          reading: undefined,
          again: false,
          waiters: [],
        };
        rooms.set(room, followed);
        start(room, followed).catch(() => {});
      }
      const subscription: MessageListener = (message) => listener(message);
      followed.listeners.add(subscription);
      const current = followed;
      return () => {
        if (!current.listeners.delete(subscription) || current.listeners.size > 0) return;
        if (rooms.get(room) !== current) return;
        rooms.delete(room);
        settle(current, true);
        const channel = keys.channel(room);
        // Mapped until unsubscribed: what Redis sent before the SUNSUBSCRIBE (a last `left`
        // event) still arrives, and is still presence's to hear.
        const unmap = () => {
          if (!rooms.has(room)) channels.delete(channel);
        };
        if (stopped) unmap();
        else cluster.sunsubscribe(channel).then(unmap, unmap);
      };
    },
    async follow(room) {
      const stop = notifier.subscribe(room, () => {});
      try {
        await notifier.ready(room);
      } catch (error) {
        stop();
        throw error;
      }
      return stop;
    },
    async ready(room) {
      const followed = rooms.get(room);
      if (followed !== undefined && followed.cursor === undefined) await start(room, followed);
    },
    delivered(room, id) {
      const followed = rooms.get(room);
      if (followed === undefined || (followed.cursor !== undefined && followed.cursor >= id)) {
        return Promise.resolve();
      }
      const done = new Promise<void>((resolve) => followed.waiters.push({ id, resolve }));
      read(room);
      return done;
    },
    hint(room) {
      read(room);
    },
    async stop() {
      stopped = true;
      clearInterval(sweep);
      cluster.off("smessage", onShardMessage);
      await Promise.allSettled([...rooms.values()].map((followed) => followed.reading));
      for (const followed of rooms.values()) settle(followed, true);
    },
  };
  return notifier;
}

/**
 * The messages of `room` after `afterId` that are confirmed (at most its replicated-through
 * mark), ascending, at most `limit`: the mark and the range in one pipeline on the room's master.
 */
export async function readConfirmed(
  cluster: Cluster,
  keys: RedisKeys,
  room: string,
  afterId: bigint,
  limit: number,
): Promise<StoredMessage[]> {
  const first = messageEntryId(afterId < 0n ? 1n : afterId + 1n);
  const replies = await cluster
    .pipeline()
    .get(keys.replicatedThrough(room))
    .xrange(keys.messages(room), first, "+", "COUNT", limit)
    .exec();
  const [[markError, mark] = [null, null], [rangeError, entries] = [null, []]] = replies ?? [];
  if (markError !== null) throw markError;
  if (rangeError !== null) throw rangeError;
  if ((mark !== null && typeof mark !== "string") || !Array.isArray(entries)) {
    throw new Error(`unexpected reply to a cluster read: ${JSON.stringify(replies)}`);
  }
  const confirmed = BigInt(mark ?? 0);
  const messages: StoredMessage[] = [];
  for (const entry of entries) {
    if (!isEntry(entry)) throw new Error(`unexpected stream entry: ${JSON.stringify(entry)}`);
    const message = decodeMessage(room, entry);
    if (message.id > confirmed) break;
    messages.push(message);
  }
  return messages;
}

function isEntry(value: unknown): value is [string, string[]] {
  return (
    Array.isArray(value) &&
    typeof value[0] === "string" &&
    Array.isArray(value[1]) &&
    value[1].every((field: unknown) => typeof field === "string")
  );
}

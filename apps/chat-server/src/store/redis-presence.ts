import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { setTimeout } from "node:timers/promises";
import { Cluster, type Redis } from "ioredis";
import {
  byArrival,
  type OccupiedRoom,
  type Presence,
  type PresenceEvent,
  type PresenceRegistry,
} from "../presence/index.js";
import { createPresenceListeners } from "../presence/presence-listeners.js";
import { MessageStoreClosedError, MessageStoreUnavailableError } from "./message-store.js";
import { connectCluster, createClusterConnection } from "./redis-cluster-connection.js";
import { scanRooms } from "./redis-cluster-rooms.js";
import { parseClusterUrl } from "./redis-cluster-url.js";
import { connect, createConnection, toStoreError } from "./redis-connection.js";
import { DEFAULT_PRESENCE_TTL_MS } from "./redis-defaults.js";
import type { StreamEntry } from "./redis-entries.js";
import { redisPresenceKeys } from "./redis-presence-keys.js";
import { definePresenceScripts, leave, present, reap } from "./redis-presence-scripts.js";

/** Sessions refreshed by one heartbeat command. */
const SESSIONS_PER_COMMAND = 500;

/** How to open a {@link createRedisPresence} registry. */
export interface RedisPresenceOptions {
  /** The Redis of the store: `redis://…`, or `redis-cluster://…` for a Redis Cluster. */
  readonly url: string;
  /** The store's namespace (default `fibchat:`). */
  readonly namespace?: string;
  /**
   * How long a session stays registered without a heartbeat; heartbeats (and the reaping of
   * other instances' expired sessions) run every third of it. A killed instance's members are
   * gone from every listing within this, and from every instance's events within 4/3 of it.
   */
  readonly ttlMs?: number;
  /**
   * Redis Cluster: makes the store follow a room's shard channel, resolving once subscribed, until
   * the returned function is called. Joins and leaves travel on that channel, so an instance
   * follows every room it has a session in, from before the session registers (its own join
   * included).
   */
  readonly follow?: (room: string) => Promise<() => void>;
  /** Hears heartbeat failures other than an unreachable Redis (which the store reports). */
  readonly onError?: (error: unknown) => void;
}

/** The Redis registry, and the hook through which the store's event follower feeds it. */
export interface RedisPresence extends PresenceRegistry {
  /** Give it every entry of the events stream that is not a message (RedisStoreOptions.onOtherEvent). */
  readonly onEvent: (entry: StreamEntry) => void;
  /**
   * On a Redis Cluster, give it every shard-channel message that is not a message hint
   * (RedisClusterStoreOptions.onOtherEvent): joins and leaves, as JSON field lists.
   */
  readonly onShardEvent: (room: string, payload: string) => void;
}

/**
 * Opens a {@link PresenceRegistry} shared by every instance on the same Redis and namespace.
 * Each session is an entry `instance|session|author` in its room's sorted set, scored with its
 * expiry; this instance refreshes its own every `ttlMs / 3`. Every instance also removes the
 * expired entries of every occupied room on that beat, and before answering `members` and
 * `occupiedRooms`, so an instance killed with `kill -9` loses its members within `ttlMs` in
 * listings and within 4/3 of it in events. Joins and leaves are entries of the store's events
 * stream, heard through {@link RedisPresence.onEvent} in their place among the messages.
 */
// Longer than the store's longest pause between reconnection attempts (1 s).
const RECONNECT_WAIT_MS = 2_000;

/** Resolves once `redis` is ready, or after `timeoutMs` (the command then fails as usual). */
async function untilReady(redis: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  // Whichever settles first, the other is aborted: no listener or timer is left behind.
  const done = new AbortController();
  const { signal } = done;
  const ready = once(redis, "ready", { signal }).then(() => {});
  const timeout = setTimeout(timeoutMs, undefined, { signal });
  try {
    await Promise.race([ready, timeout]);
  } catch {
    // `once` rejects on an 'error' event: the command below then fails as usual.
  } finally {
    done.abort();
    ready.catch(() => {});
    timeout.catch(() => {});
  }
}

export async function createRedisPresence(options: RedisPresenceOptions): Promise<RedisPresence> {
  const keys = redisPresenceKeys(options.namespace ?? "fibchat:");
  const ttlMs = options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS;
  const redis: Redis | Cluster = options.url.includes("-cluster://")
    ? createClusterConnection(parseClusterUrl(options.url), "presence")
    : createConnection(options.url, "presence", { commandTimeout: 5_000 });
  redis.on("error", () => {});
  definePresenceScripts(redis);
  if (redis instanceof Cluster) await connectCluster(redis);
  else await connect(redis);

  /**
   * The rooms with a member: a set on one Redis; on a cluster (no key shares a slot with every
   * room) a SCAN of every master, read whole as the set is.
   */
  async function occupied(): Promise<string[]> {
    if (!(redis instanceof Cluster)) return redis.smembers(keys.occupiedRooms);
    return [...(await scanRooms(redis, keys.membersPattern, keys.roomOfMembersKey))];
  }

  const instance = randomUUID();
  const listeners = createPresenceListeners();
  /** This instance's open sessions: room → session entry. */
  const local = new Map<string, Set<string>>();
  const inFlight = new Set<Promise<unknown>>();
  let sessionCount = 0;
  let closing: Promise<void> | undefined;

  /** `operation`, tracked so `close` waits for it, rejecting as the store does. */
  async function call<T>(operation: Promise<T>): Promise<T> {
    inFlight.add(operation);
    try {
      return await operation;
    } catch (error) {
      throw toStoreError(error);
    } finally {
      inFlight.delete(operation);
    }
  }

  function assertOpen(): void {
    if (closing !== undefined) throw new MessageStoreClosedError();
  }

  async function beat(): Promise<void> {
    const refreshes = [...local].flatMap(([room, sessions]) => {
      const all = [...sessions];
      const chunks = [];
      for (let start = 0; start < all.length; start += SESSIONS_PER_COMMAND) {
        chunks.push(
          call(present(redis, keys, room, ttlMs, all.slice(start, start + SESSIONS_PER_COMMAND))),
        );
      }
      return chunks;
    });
    const rooms = await call(occupied());
    await Promise.all([...refreshes, ...rooms.map((room) => call(reap(redis, keys, room)))]);
  }

  const timer = setInterval(
    () => {
      beat().catch((error: unknown) => {
        if (!(error instanceof MessageStoreUnavailableError)) options.onError?.(error);
      });
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );

  return {
    async enter(room, author) {
      assertOpen();
      const session = `${instance}|${++sessionCount}|${author}`;
      let sessions = local.get(room);
      if (sessions === undefined) {
        sessions = new Set();
        local.set(room, sessions);
      }
      sessions.add(session);
      let unfollow = () => {};
      const forget = () => {
        sessions.delete(session);
        if (sessions.size === 0 && local.get(room) === sessions) local.delete(room);
      };
      try {
        if (options.follow !== undefined) unfollow = await call(options.follow(room));
        // The presence connection reconnects on its own, and may still be doing so just after
        // the store's connection is back and health says SERVING: a join then waits briefly for
        // it rather than fail.
        await untilReady(redis, RECONNECT_WAIT_MS);
        await call(present(redis, keys, room, ttlMs, [session]));
      } catch (error) {
        forget();
        unfollow();
        throw error;
      }
      let left = false;
      return async () => {
        if (left) return;
        left = true;
        // Out of the heartbeat first (which would register it again), but followed until the
        // leave script has published its `left` event, which this instance hears too.
        forget();
        try {
          await call(leave(redis, keys, room, session));
        } finally {
          unfollow();
        }
      };
    },

    async members(room, limit) {
      assertOpen();
      await call(reap(redis, keys, room));
      const reply = await call(redis.zrange(keys.members(room), 0, limit - 1, "WITHSCORES"));
      const authors = reply.filter((_, index) => index % 2 === 0);
      if (authors.length === 0) return [];
      const counts = await call(redis.hmget(keys.sessionCounts(room), ...authors));
      const members: Presence[] = authors.map((author, index) => ({
        room,
        author,
        joinedAt: new Date(Number(reply[index * 2 + 1])),
        sessions: Number(counts[index] ?? 0),
      }));
      return members.sort(byArrival);
    },

    async occupiedRooms(after, limit) {
      assertOpen();
      // A set, read whole: fine for thousands of occupied rooms (see README, Presence).
      const names = (await call(occupied())).filter((room) => room > after).sort();
      const rooms: OccupiedRoom[] = [];
      // A room whose every member expired is dropped by its reap: read on until the page is full.
      for (let start = 0; start < names.length && rooms.length < limit; start += limit) {
        const chunk = names.slice(start, start + limit);
        await Promise.all(chunk.map((room) => call(reap(redis, keys, room))));
        const counts = await Promise.all(
          chunk.map((room) => call(redis.zcard(keys.members(room)))),
        );
        chunk.forEach((room, index) => {
          const memberCount = counts[index] ?? 0;
          if (memberCount > 0 && rooms.length < limit) rooms.push({ room, memberCount });
        });
      }
      return rooms;
    },

    subscribe: (listener) => listeners.add(listener),

    onEvent(entry) {
      const event = decodePresenceEvent(entry);
      if (event !== undefined && closing === undefined) listeners.emit(event);
    },

    onShardEvent(_room, payload) {
      let fields: unknown;
      try {
        fields = JSON.parse(payload);
      } catch {
        return;
      }
      if (!Array.isArray(fields)) return;
      const event = decodePresenceEvent(["", fields.map(String)]);
      if (event !== undefined && closing === undefined) listeners.emit(event);
    },

    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await Promise.allSettled(inFlight);
        const remaining = [...local].flatMap(([room, sessions]) =>
          [...sessions].map((session) => leave(redis, keys, room, session)),
        );
        local.clear();
        // Best effort: what is not removed now expires within the TTL.
        await Promise.allSettled(remaining);
        redis.disconnect();
      })();
      return closing;
    },
  };
}

/** The join or leave an events-stream entry records; undefined for any other entry. */
export function decodePresenceEvent([, fields]: StreamEntry): PresenceEvent | undefined {
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const name = fields[index];
    const value = fields[index + 1];
    if (name !== undefined && value !== undefined) values.set(name, value);
  }
  const kind = values.get("presence");
  const room = values.get("room");
  const author = values.get("author");
  const joinedAt = Number(values.get("joined_at"));
  const sessions = Number(values.get("sessions"));
  if (
    (kind !== "joined" && kind !== "left") ||
    room === undefined ||
    author === undefined ||
    !Number.isSafeInteger(joinedAt) ||
    !Number.isSafeInteger(sessions)
  ) {
    return undefined;
  }
  return { kind, member: { room, author, joinedAt: new Date(joinedAt), sessions } };
}

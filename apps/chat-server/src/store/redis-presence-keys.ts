import { globEscape, roomOfKey } from "./redis-keys.js";

/** The Redis keys of presence, beside the message keys of redis-keys.ts. */
export interface RedisPresenceKeys {
  /** Sorted set: `instance|session|author` → when that session expires (ms, Redis clock). */
  sessions(room: string): string;
  /** Sorted set: author → when their first open session joined (ms). */
  members(room: string): string;
  /** Hash: author → their open sessions in the room. */
  sessionCounts(room: string): string;
  /** Set: every room with a member. */
  readonly occupiedRooms: string;
  /** The events stream of redis-keys.ts, which also carries joins and leaves. */
  readonly events: string;
  /** The room's shard channel of redis-keys.ts (Redis Cluster), which also carries them. */
  channel(room: string): string;
  /** A `SCAN MATCH` pattern for the `members` key of every room (Redis Cluster). */
  readonly membersPattern: string;
  /** The room whose `members` key `key` is; undefined for any other key. */
  roomOfMembersKey(key: string): string | undefined;
}

/**
 * The presence keys of the deployment whose keys start with `namespace`. A room's keys share its
 * hash tag (`{room}`, as redis-keys.ts makes it), so they live on the room's shard.
 */
export function redisPresenceKeys(namespace: string): RedisPresenceKeys {
  const room = (name: string) => `${namespace}{${encodeURIComponent(name)}}`;
  return {
    sessions: (name) => `${room(name)}:member-sessions`,
    members: (name) => `${room(name)}:members`,
    sessionCounts: (name) => `${room(name)}:member-session-counts`,
    occupiedRooms: `${namespace}occupied-rooms`,
    events: `${namespace}events`,
    channel: (name) => `${room(name)}:posted`,
    membersPattern: `${globEscape(namespace)}{*}:members`,
    roomOfMembersKey: (key) => roomOfKey(namespace, key, ":members"),
  };
}

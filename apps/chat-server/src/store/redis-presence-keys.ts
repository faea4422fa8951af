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
  };
}

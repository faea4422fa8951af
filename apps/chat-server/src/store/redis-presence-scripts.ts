import type { Cluster, Redis, Result } from "ioredis";
import type { RedisPresenceKeys } from "./redis-presence-keys.js";

declare module "ioredis" {
  interface RedisCommander<Context> {
    /** Registers or refreshes sessions; see {@link definePresenceScripts}. */
    fibchatPresent(...args: (string | number)[]): Result<unknown, Context>;
    /** Removes one session. */
    fibchatLeave(...args: (string | number)[]): Result<unknown, Context>;
    /** Removes the expired sessions of a room. */
    fibchatReap(...args: (string | number)[]): Result<unknown, Context>;
  }
}

// Shared by the three scripts. KEYS: sessions, members, session counts, occupied rooms, events.
// Times are the Redis server's clock, as the append script's sent_at: instances' clocks may differ.
// On a Redis Cluster only the room's three keys are given (every key of a script shares a slot):
// there is no occupied-rooms set (the rooms are scanned for), and ARGV[2] is the room's shard
// channel, on which joins and leaves are published instead of added to the events stream.
const COMMON = `
local sessions, members, counts, occupied, events = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local room, max_events = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function ms(value) return string.format('%d', value) end
local function event(kind, author, joined_at, count)
  if events then
    redis.call('XADD', events, 'MAXLEN', '~', max_events, '*', 'presence', kind,
      'room', room, 'author', author, 'joined_at', joined_at, 'sessions', count)
  else
    redis.call('SPUBLISH', max_events, cjson.encode({'presence', kind, 'room', room,
      'author', author, 'joined_at', joined_at, 'sessions', tostring(count)}))
  end
end
local function author_of(session) return string.match(session, '^[^|]*|[^|]*|(.*)$') end
local function release(author)
  local left = redis.call('HINCRBY', counts, author, -1)
  if left > 0 then return end
  redis.call('HDEL', counts, author)
  local joined_at = redis.call('ZSCORE', members, author) or ms(now)
  redis.call('ZREM', members, author)
  event('left', author, joined_at, 0)
  if occupied and redis.call('ZCARD', members) == 0 then redis.call('SREM', occupied, room) end
end
`;

// ARGV[3]: the TTL in ms; ARGV[4…]: sessions. A session missing (new, or reaped while this
// instance could not reach Redis) is added, and its author joins if it is their first.
const PRESENT = `${COMMON}
local expires = ms(now + tonumber(ARGV[3]))
for i = 4, #ARGV do
  local session = ARGV[i]
  local known = redis.call('ZSCORE', sessions, session)
  redis.call('ZADD', sessions, expires, session)
  if not known then
    local author = author_of(session)
    if redis.call('HINCRBY', counts, author, 1) == 1 then
      redis.call('ZADD', members, now, author)
      if occupied then redis.call('SADD', occupied, room) end
      event('joined', author, ms(now), 1)
    end
  end
end
return ms(now)
`;

// ARGV[3]: the session.
const LEAVE = `${COMMON}
if redis.call('ZREM', sessions, ARGV[3]) == 1 then release(author_of(ARGV[3])) end
return 1
`;

// ARGV[3]: the most sessions to remove in one run.
const REAP = `${COMMON}
local expired = redis.call('ZRANGEBYSCORE', sessions, '-inf', ms(now), 'LIMIT', 0, tonumber(ARGV[3]))
for _, session in ipairs(expired) do
  redis.call('ZREM', sessions, session)
  release(author_of(session))
end
if occupied and redis.call('ZCARD', members) == 0 then redis.call('SREM', occupied, room) end
return #expired
`;

/** Entries the events stream keeps, as the append script's MAXLEN (redis-append-script.ts). */
const MAX_EVENTS = 10_000;

/** Expired sessions one reap removes; a larger backlog is removed by the next runs. */
export const REAP_BATCH = 500;

/** Teaches `redis` the presence scripts (EVALSHA, EVAL after NOSCRIPT). */
export function definePresenceScripts(redis: Redis | Cluster): void {
  const numberOfKeys = redis.isCluster ? 3 : 5;
  redis.defineCommand("fibchatPresent", { numberOfKeys, lua: PRESENT });
  redis.defineCommand("fibchatLeave", { numberOfKeys, lua: LEAVE });
  redis.defineCommand("fibchatReap", { numberOfKeys, lua: REAP });
}

/** The keys and ARGV[1], ARGV[2] of a presence script on `redis` for `room`. */
function keysOf(
  redis: Redis | Cluster,
  keys: RedisPresenceKeys,
  room: string,
): (string | number)[] {
  const own = [keys.sessions(room), keys.members(room), keys.sessionCounts(room)];
  if (redis.isCluster) return [...own, room, keys.channel(room)];
  return [...own, keys.occupiedRooms, keys.events, room, MAX_EVENTS];
}

/**
 * Registers `sessions` (each `instance|session|author`) in `room`, or refreshes their expiry to
 * `ttlMs` from now. Each author's first session adds a `joined` entry to the events stream.
 */
export function present(
  redis: Redis | Cluster,
  keys: RedisPresenceKeys,
  room: string,
  ttlMs: number,
  sessions: readonly string[],
): Promise<unknown> {
  return redis.fibchatPresent(...keysOf(redis, keys, room), ttlMs, ...sessions);
}

/** Removes `session` from `room`; the author's last session adds a `left` entry. */
export function leave(
  redis: Redis | Cluster,
  keys: RedisPresenceKeys,
  room: string,
  session: string,
): Promise<unknown> {
  return redis.fibchatLeave(...keysOf(redis, keys, room), session);
}

/** Removes up to {@link REAP_BATCH} expired sessions of `room`, as if each had left. */
export function reap(
  redis: Redis | Cluster,
  keys: RedisPresenceKeys,
  room: string,
): Promise<unknown> {
  return redis.fibchatReap(...keysOf(redis, keys, room), REAP_BATCH);
}

import type { Cluster, Redis, Result } from "ioredis";
import type { MessageRetention, RetentionPolicy, RoomIdRange } from "./message-retention.js";
import type { RedisKeys } from "./redis-keys.js";

declare module "ioredis" {
  interface RedisCommander<Context> {
    /** The trim script's command, once {@link defineTrimScript} has taught it to a client. */
    fibchatTrim(
      messages: string,
      lastId: string,
      removedThrough: string,
      rooms: string,
      messageCount: string,
      room: string,
      nowMs: string,
      maxMessages: string,
      maxAgeMs: string,
      limit: number,
      clientIdsPrefix: string,
    ): Result<unknown, Context>;
    /** The trim script on a Redis Cluster: the room's three keys only (no global counters). */
    fibchatTrimRoom(...args: (string | number)[]): Result<unknown, Context>;
  }
}

/**
 * One trimming step, atomic like the append script: it reads at most `limit` of the room's
 * oldest entries, works out the new floor as `retentionFloor` (message-retention.ts) does,
 * forgets their clientMessageIds, removes them with `XTRIM MINID` (exact: message `n` is entry
 * `n-0`, so the floor is exact too), and moves the counters GetStats reads. Ids above 2^53 would
 * lose precision in Lua's numbers; at a million posts a second that is 285 years away.
 * On a Redis Cluster it gets only the room's keys (KEYS[4] and KEYS[5] are nil): every key of a
 * script must be in one slot, and the cluster store counts rooms and messages from the rooms.
 */
const TRIM_LUA = `
local messages, last_id_key, removed_key, rooms, message_count = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local room, now_ms, max_messages, max_age_ms = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local limit, client_ids_prefix = tonumber(ARGV[5]), ARGV[6]

local last_id = tonumber(redis.call('GET', last_id_key) or '0')
local removed = tonumber(redis.call('GET', removed_key) or '0')
local floor = removed
if max_messages ~= '' and last_id - tonumber(max_messages) > floor then
  floor = last_id - tonumber(max_messages)
end
local entries = redis.call('XRANGE', messages, string.format('%d', removed + 1) .. '-0', '+', 'COUNT', limit)
if max_age_ms ~= '' then
  local cutoff = now_ms - tonumber(max_age_ms)
  for _, entry in ipairs(entries) do
    local fields, sent_at = entry[2], nil
    for i = 1, #fields, 2 do
      if fields[i] == 'sent_at' then sent_at = tonumber(fields[i + 1]) end
    end
    if sent_at == nil or sent_at >= cutoff then break end
    local id = tonumber(string.match(entry[1], '^(%d+)-'))
    if id > floor then floor = id end
  end
end
if floor > removed + limit then floor = removed + limit end
if floor <= removed then return 0 end

for _, entry in ipairs(entries) do
  local id = tonumber(string.match(entry[1], '^(%d+)-'))
  if id > floor then break end
  local fields, author, client_message_id = entry[2], nil, ''
  for i = 1, #fields, 2 do
    if fields[i] == 'author' then author = fields[i + 1] end
    if fields[i] == 'client_message_id' then client_message_id = fields[i + 1] end
  end
  if author ~= nil and client_message_id ~= '' then
    redis.call('HDEL', client_ids_prefix .. author, client_message_id)
  end
end
redis.call('XTRIM', messages, 'MINID', string.format('%d', floor + 1) .. '-0')
redis.call('SET', removed_key, string.format('%d', floor))
if message_count then redis.call('DECRBY', message_count, floor - removed) end
if rooms and floor >= last_id then redis.call('SREM', rooms, room) end
return floor - removed
`;

/**
 * Teaches `redis` the trim script. `XTRIM MINID` needs Redis 6.2 or later; a server without
 * retention never sends it.
 */
export function defineTrimScript(redis: Redis): void {
  redis.defineCommand("fibchatTrim", { numberOfKeys: 5, lua: TRIM_LUA });
}

/** Teaches `cluster` the trim script with only the room's keys, as `fibchatTrimRoom`. */
export function defineClusterTrimScript(cluster: Cluster): void {
  cluster.defineCommand("fibchatTrimRoom", { numberOfKeys: 3, lua: TRIM_LUA });
}

/**
 * One trimming step of `room` on a Redis Cluster ({@link defineClusterTrimScript}): resolves with
 * how many messages it removed, as {@link MessageRetention.trimRoom} does.
 */
export async function trimClusterRoom(
  cluster: Cluster,
  keys: RedisKeys,
  room: string,
  policy: RetentionPolicy,
  now: Date,
  limit: number,
): Promise<number> {
  const reply = await cluster.fibchatTrimRoom(
    keys.messages(room),
    keys.lastId(room),
    keys.removedThrough(room),
    room,
    String(now.getTime()),
    policy.maxMessages === undefined ? "" : String(policy.maxMessages),
    policy.maxAgeMs === undefined ? "" : String(policy.maxAgeMs),
    limit,
    keys.clientIds(room, ""),
  );
  if (typeof reply !== "number") {
    throw new Error(`unexpected reply from the trim script: ${JSON.stringify(reply)}`);
  }
  return reply;
}

/**
 * {@link MessageRetention} on the keys of one deployment, sending its commands through `call`,
 * which turns their failures into the store's errors.
 */
export function createRedisRetention(
  redis: Redis,
  keys: RedisKeys,
  call: <T>(operation: Promise<T>) => Promise<T>,
): MessageRetention {
  return {
    roomsWithMessages: () => call(redis.smembers(keys.rooms)),

    async trimRoom(room, policy, now, limit) {
      const reply = await call(
        redis.fibchatTrim(
          keys.messages(room),
          keys.lastId(room),
          keys.removedThrough(room),
          keys.rooms,
          keys.messageCount,
          room,
          String(now.getTime()),
          policy.maxMessages === undefined ? "" : String(policy.maxMessages),
          policy.maxAgeMs === undefined ? "" : String(policy.maxAgeMs),
          limit,
          keys.clientIds(room, ""),
        ),
      );
      if (typeof reply !== "number") {
        throw new Error(`unexpected reply from the trim script: ${JSON.stringify(reply)}`);
      }
      return reply;
    },

    async idRange(room) {
      const [lastId, removedThrough] = await call(
        redis.mget(keys.lastId(room), keys.removedThrough(room)),
      );
      return decodeRange(lastId, removedThrough);
    },
  };
}

/** The {@link RoomIdRange} of a room from its two counters, either of which may be unset. */
export function decodeRange(
  lastId: string | null | undefined,
  removedThrough: string | null | undefined,
): RoomIdRange {
  return { lastId: BigInt(lastId ?? 0), removedThrough: BigInt(removedThrough ?? 0) };
}

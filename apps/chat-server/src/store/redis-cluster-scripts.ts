import type { Cluster, Result } from "ioredis";
import type { AppendInput } from "./message-store.js";
import type { RedisKeys } from "./redis-keys.js";

declare module "ioredis" {
  interface RedisCommander<Context> {
    /** The cluster append script; see {@link defineClusterScripts}. */
    fibchatClusterAppend(...args: (string | number)[]): Result<unknown, Context>;
    /** Raises a room's replicated-through mark; see {@link defineClusterScripts}. */
    fibchatClusterConfirm(...args: (string | number)[]): Result<unknown, Context>;
  }
}

/**
 * The append of redis-append-script.ts with every key in the room's slot (its hash tag), so it
 * runs on one shard: no global room set, message count or events stream. A repeated
 * clientMessageId still writes (the mark, to its own value): `WAIT` waits for the replication
 * of its connection's last write, which must then cover the original, whoever stored it.
 *
 * With ARGV[5] = '1' (no replica to wait for) the script also raises the room's replicated-through
 * mark and publishes the new id on the room's shard channel; otherwise {@link CONFIRM_LUA} does,
 * once `WAIT` has confirmed the message on enough replicas.
 */
const APPEND_LUA = `
local messages, last_id, client_ids, replicated = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local author, text, client_message_id, channel, confirm = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if client_message_id ~= '' then
  local original = redis.call('HGET', client_ids, client_message_id)
  if original then
    redis.call('SET', replicated, redis.call('GET', replicated) or '0')
    local entry = redis.call('XRANGE', messages, original .. '-0', original .. '-0')[1]
    return {'duplicate', original, entry[2]}
  end
end

local id = string.format('%d', redis.call('INCR', last_id))
local time = redis.call('TIME')
local sent_at = time[1] .. string.format('%03d', math.floor(time[2] / 1000))
redis.call('XADD', messages, id .. '-0',
  'author', author, 'text', text, 'sent_at', sent_at, 'client_message_id', client_message_id)
if client_message_id ~= '' then
  redis.call('HSET', client_ids, client_message_id, id)
end
if confirm == '1' then
  redis.call('SET', replicated, id)
  redis.call('SPUBLISH', channel, id)
end
return {'stored', id, sent_at, ''}
`;

/**
 * Raises the room's replicated-through mark to ARGV[1] (never lowers it) and publishes the mark
 * on the room's channel. Always a write, so the `WAIT` after it confirms the mark too.
 */
const CONFIRM_LUA = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local id = tonumber(ARGV[1])
if id > current then current = id end
local mark = string.format('%d', current)
redis.call('SET', KEYS[1], mark)
redis.call('SPUBLISH', ARGV[2], mark)
return mark
`;

/** Teaches `cluster` the append and confirm scripts (EVALSHA, EVAL after NOSCRIPT). */
export function defineClusterScripts(cluster: Cluster): void {
  cluster.defineCommand("fibchatClusterAppend", { numberOfKeys: 4, lua: APPEND_LUA });
  cluster.defineCommand("fibchatClusterConfirm", { numberOfKeys: 1, lua: CONFIRM_LUA });
}

/** The arguments of the append script for `input`; `confirm`: raise the mark in the script. */
export function appendArguments(
  keys: RedisKeys,
  input: AppendInput,
  confirm: boolean,
): (string | number)[] {
  const { room, author, text, clientMessageId } = input;
  return [
    keys.messages(room),
    keys.lastId(room),
    keys.clientIds(room, author),
    keys.replicatedThrough(room),
    author,
    text,
    clientMessageId,
    keys.channel(room),
    confirm ? "1" : "0",
  ];
}

/** The arguments of the confirm script raising `room`'s mark to `id`. */
export function confirmArguments(keys: RedisKeys, room: string, id: bigint): (string | number)[] {
  return [keys.replicatedThrough(room), id.toString(), keys.channel(room)];
}

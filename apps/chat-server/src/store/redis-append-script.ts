import type { Redis, Result } from "ioredis";
import type { AppendInput, StoredMessage } from "./message-store.js";
import { decodeMessage, messageEntryId } from "./redis-entries.js";
import type { RedisKeys } from "./redis-keys.js";

declare module "ioredis" {
  interface RedisCommander<Context> {
    /** The append script's command, once {@link defineAppendScript} has taught it to a client. */
    fibchatAppend(
      messages: string,
      lastId: string,
      clientIds: string,
      rooms: string,
      messageCount: string,
      events: string,
      room: string,
      author: string,
      text: string,
      clientMessageId: string,
      maxEvents: number,
    ): Result<unknown, Context>;
  }
}

/**
 * One append, run atomically by Redis: no other command runs between its steps, so two
 * instances appending to one room at once get consecutive ids, and a repeated clientMessageId
 * finds its original even when both posts arrive together at different instances. Every write
 * comes after the checks: Redis refuses a script out of memory at its first write, which then
 * leaves nothing half-stored.
 */
const APPEND_LUA = `
local messages, last_id, client_ids = KEYS[1], KEYS[2], KEYS[3]
local rooms, message_count, events = KEYS[4], KEYS[5], KEYS[6]
local room, author, text, client_message_id, max_events = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if client_message_id ~= '' then
  local original = redis.call('HGET', client_ids, client_message_id)
  if original then
    local entry = redis.call('XRANGE', messages, original .. '-0', original .. '-0')[1]
    return {'duplicate', original, entry[2]}
  end
end

-- %d: concatenating the number itself would print ids above 10^14 in exponent form.
local id = string.format('%d', redis.call('INCR', last_id))
-- The Redis server's clock, not each instance's: sent_at follows id order across instances.
local time = redis.call('TIME')
local sent_at = time[1] .. string.format('%03d', math.floor(time[2] / 1000))
redis.call('XADD', messages, id .. '-0',
  'author', author, 'text', text, 'sent_at', sent_at, 'client_message_id', client_message_id)
if client_message_id ~= '' then
  redis.call('HSET', client_ids, client_message_id, id)
end
redis.call('SADD', rooms, room)
redis.call('INCR', message_count)
local event = redis.call('XADD', events, 'MAXLEN', '~', max_events, '*', 'room', room, 'id', id)
return {'stored', id, sent_at, event}
`;

/**
 * Entries the events stream keeps, give or take (`MAXLEN ~` trims whole nodes): how far an
 * instance may fall behind in following it before it misses notifications. Entries are a room
 * name and an id, so this bounds the stream to about a megabyte.
 */
const MAX_EVENTS = 10_000;

/** What the append script did. */
export type AppendOutcome =
  | {
      readonly duplicate: false;
      readonly message: StoredMessage;
      /** The notification's id in the events stream. */
      readonly eventId: string;
    }
  | { readonly duplicate: true; readonly message: StoredMessage };

/**
 * Teaches `redis` the append script. ioredis then sends EVALSHA, and EVAL when the server
 * answers NOSCRIPT, as after a restart that emptied its script cache.
 */
export function defineAppendScript(redis: Redis): void {
  redis.defineCommand("fibchatAppend", { numberOfKeys: 6, lua: APPEND_LUA });
}

/**
 * Runs the script {@link defineAppendScript} defined for `input`: it stores the message under
 * the room's next id, or finds the original of a repeated (room, author, clientMessageId).
 * Resolves with the raw reply, for {@link decodeAppendReply}. The command is sent before this
 * returns, so it precedes any command sent after.
 */
export function runAppendScript(
  redis: Redis,
  keys: RedisKeys,
  input: AppendInput,
): Promise<unknown> {
  const { room, author, text, clientMessageId } = input;
  return redis.fibchatAppend(
    keys.messages(room),
    keys.lastId(room),
    keys.clientIds(room, author),
    keys.rooms,
    keys.messageCount,
    keys.events,
    room,
    author,
    text,
    clientMessageId,
    MAX_EVENTS,
  );
}

/** What the append script did for `input`, from its reply. Throws if the reply is malformed. */
export function decodeAppendReply(input: AppendInput, reply: unknown): AppendOutcome {
  const items: readonly unknown[] = Array.isArray(reply) ? reply : [];
  const [kind, id, third, fourth] = items;
  if (kind === "stored" && isDecimal(id) && isDecimal(third) && typeof fourth === "string") {
    const message = {
      room: input.room,
      id: BigInt(id),
      author: input.author,
      text: input.text,
      sentAt: new Date(Number(third)),
      clientMessageId: input.clientMessageId,
    };
    return { duplicate: false, message, eventId: fourth };
  }
  if (kind === "duplicate" && isDecimal(id) && isStringArray(third)) {
    const message = decodeMessage(input.room, [messageEntryId(BigInt(id)), third]);
    return { duplicate: true, message };
  }
  throw new Error(`unexpected reply from the append script: ${JSON.stringify(reply)}`);
}

function isDecimal(value: unknown): value is string {
  return typeof value === "string" && /^[0-9]+$/.test(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** The Redis keys of one fibchat deployment. */
export interface RedisKeys {
  /** Stream: the messages of `room`; message `n` is entry `n-0`. */
  messages(room: string): string;
  /** String: the last id given out in `room`. */
  lastId(room: string): string;
  /** String: every id of `room` up to this one was removed by retention; unset: none was. */
  removedThrough(room: string): string;
  /** Hash: clientMessageId → id, for the posts of `author` in `room`. */
  clientIds(room: string, author: string): string;
  /**
   * String, Redis Cluster only: every id of `room` up to this one is confirmed on the replicas
   * `--redis-min-replicas-acked` asks for; readers deliver nothing beyond it.
   */
  replicatedThrough(room: string): string;
  /** Shard channel, Redis Cluster only: hints that `room` has new messages, and its joins and leaves. */
  channel(room: string): string;
  /** A `SCAN MATCH` pattern for the stream key of every room (`messages`). */
  readonly messagesPattern: string;
  /** The room whose `messages` key `key` is; undefined for any other key. */
  roomOfMessagesKey(key: string): string | undefined;
  /** Set: every room holding a message. */
  readonly rooms: string;
  /** String: the messages stored in all rooms. */
  readonly messageCount: string;
  /** Stream: one small entry (room, id) per stored message, followed by every instance. */
  readonly events: string;
}

/** The namespace of the chat server's keys. */
export const DEFAULT_NAMESPACE = "fibchat:";

/**
 * The keys of the deployment whose keys all start with `namespace`: stores sharing a namespace
 * share their rooms. Distinct rooms (and authors) always get distinct keys.
 */
export function redisKeys(namespace: string): RedisKeys {
  // `{…}` is a Redis Cluster hash tag: all keys of a room hash to one slot. Room names pass the
  // chat rules (a-z, 0-9, "_", "-"), which encodeURIComponent keeps as they are; for any other
  // string it escapes the braces and colons that could make two rooms share a key. An author
  // needs no escaping: it is always the last part of its key.
  const room = (name: string) => `${namespace}{${encodeURIComponent(name)}}`;
  return {
    messages: (name) => `${room(name)}:messages`,
    lastId: (name) => `${room(name)}:last-id`,
    removedThrough: (name) => `${room(name)}:removed-through`,
    clientIds: (name, author) => `${room(name)}:client-ids:${author}`,
    replicatedThrough: (name) => `${room(name)}:replicated-through`,
    channel: (name) => `${room(name)}:posted`,
    messagesPattern: `${globEscape(namespace)}{*}:messages`,
    roomOfMessagesKey: (key) => roomOfKey(namespace, key, ":messages"),
    rooms: `${namespace}rooms`,
    messageCount: `${namespace}message-count`,
    events: `${namespace}events`,
  };
}

/** `text` with the characters special to `SCAN MATCH` patterns escaped. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

/** The room whose key (`NAMESPACE{ROOM}SUFFIX`) `key` is; undefined for any other key. */
export function roomOfKey(namespace: string, key: string, suffix: string): string | undefined {
  if (!key.startsWith(`${namespace}{`) || !key.endsWith(`}${suffix}`)) return undefined;
  const encoded = key.slice(namespace.length + 1, key.length - suffix.length - 1);
  if (encoded.includes("}")) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

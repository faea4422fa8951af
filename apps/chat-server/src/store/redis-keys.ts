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
    rooms: `${namespace}rooms`,
    messageCount: `${namespace}message-count`,
    events: `${namespace}events`,
  };
}

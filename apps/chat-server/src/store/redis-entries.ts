import type { StoredMessage } from "./message-store.js";

/** A stream entry as ioredis returns it: its id and its fields as name, value, name, value … */
export type StreamEntry = readonly [id: string, fields: readonly string[]];

/** One entry of the events stream: message `id` was stored in `room`. */
export interface StoredEvent {
  /** The entry's own id in the events stream. */
  readonly eventId: string;
  readonly room: string;
  readonly id: bigint;
}

/** The id of the entry holding message `id` in its room's stream. */
export function messageEntryId(id: bigint): string {
  return `${id}-0`;
}

/** The message that the entry `[entryId, fields]` of `room`'s stream holds. Throws if malformed. */
export function decodeMessage(room: string, [entryId, fields]: StreamEntry): StoredMessage {
  const id = /^([1-9][0-9]*)-0$/.exec(entryId)?.[1];
  const values = fieldMap(fields);
  const sentAt = Number(values.get("sent_at"));
  const author = values.get("author");
  const text = values.get("text");
  const clientMessageId = values.get("client_message_id");
  if (
    id === undefined ||
    author === undefined ||
    text === undefined ||
    clientMessageId === undefined ||
    !Number.isSafeInteger(sentAt)
  ) {
    throw new Error(`message entry ${entryId} of room ${room} is malformed`);
  }
  return {
    room,
    id: BigInt(id),
    author,
    text,
    sentAt: new Date(sentAt),
    clientMessageId,
  };
}

/** The event an entry of the events stream records; undefined if it is not one of ours. */
export function decodeEvent([eventId, fields]: StreamEntry): StoredEvent | undefined {
  const values = fieldMap(fields);
  const room = values.get("room");
  const id = values.get("id");
  if (room === undefined || id === undefined || !/^[1-9][0-9]*$/.test(id)) return undefined;
  return { eventId, room, id: BigInt(id) };
}

/** Orders two stream entry ids (`ms-seq`) as Redis does: negative when `a` comes first. */
export function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq] = entryIdParts(a);
  const [bMs, bSeq] = entryIdParts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

function entryIdParts(entryId: string): [bigint, bigint] {
  const match = /^([0-9]+)-([0-9]+)$/.exec(entryId);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error(`"${entryId}" is not a stream entry id`);
  }
  return [BigInt(match[1]), BigInt(match[2])];
}

function fieldMap(fields: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const name = fields[index];
    const value = fields[index + 1];
    if (name !== undefined && value !== undefined) values.set(name, value);
  }
  return values;
}

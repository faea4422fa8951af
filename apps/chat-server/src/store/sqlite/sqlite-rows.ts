import type { StoredMessage } from "../message-store.js";

/** The columns {@link decodeMessage} reads, in `SELECT` order. */
export const MESSAGE_COLUMNS = "room, id, author, text, sent_at_ms, client_message_id";

function column(row: unknown, name: string): unknown {
  if (typeof row !== "object" || row === null) throw new TypeError(`expected a row, got ${row}`);
  return Reflect.get(row, name);
}

function textColumn(row: unknown, name: string): string {
  const value = column(row, name);
  if (typeof value !== "string") throw new TypeError(`column ${name} is ${typeof value}`);
  return value;
}

/**
 * Reads an INTEGER column of a row fetched with `safeIntegers()`, so ids stay
 * exact beyond 2^53.
 */
export function integerColumn(row: unknown, name: string): bigint {
  const value = column(row, name);
  if (typeof value !== "bigint") throw new TypeError(`column ${name} is ${typeof value}`);
  return value;
}

/** Turns a row of {@link MESSAGE_COLUMNS}, fetched with `safeIntegers()`, into a message. */
export function decodeMessage(row: unknown): StoredMessage {
  return {
    room: textColumn(row, "room"),
    id: integerColumn(row, "id"),
    author: textColumn(row, "author"),
    text: textColumn(row, "text"),
    sentAt: new Date(Number(integerColumn(row, "sent_at_ms"))),
    clientMessageId: textColumn(row, "client_message_id"),
  };
}

import type { AppendInput, AppendResult } from "../message-store.js";
import type { SqliteConnection } from "./sqlite-connection.js";
import { decodeMessage, integerColumn, MESSAGE_COLUMNS } from "./sqlite-rows.js";
import { inTransaction } from "./sqlite-transaction.js";

/** Commits batches of appends on one SQLite connection: the write half of the SQLite store. */
export interface SqliteAppends {
  /**
   * Stores `inputs` in one `BEGIN IMMEDIATE` transaction and returns, in order, what each append
   * did once it is committed. An input repeating the (room, author, clientMessageId) of an earlier
   * one, in this batch or before, is answered with the original. If anything fails, nothing of
   * the batch is stored and the error is thrown.
   */
  commit(inputs: readonly AppendInput[]): AppendResult[];
}

/** Prepares the statements of {@link SqliteAppends} on `db`, a migrated connection. */
export function createSqliteAppends(db: SqliteConnection): SqliteAppends {
  // Repeating the index's `<> ''` lets the planner use the partial index:
  // SQLite uses one only when the query's WHERE implies the index's.
  const selectOriginal = db.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
     WHERE room = ? AND author = ? AND client_message_id = ? AND client_message_id <> ''`,
  );
  const claimNextId = db.prepare(
    `INSERT INTO rooms (room, last_id) VALUES (?, 1)
     ON CONFLICT (room) DO UPDATE SET last_id = last_id + 1
     RETURNING last_id`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
  );

  function appendOne(input: AppendInput): AppendResult {
    if (input.clientMessageId !== "") {
      // Inside the batch's transaction, so this also finds an original appended earlier in the same batch.
      const original = selectOriginal.get(input.room, input.author, input.clientMessageId);
      if (original !== undefined) return { message: decodeMessage(original), duplicate: true };
    }
    const id = integerColumn(claimNextId.get(input.room), "last_id");
    const sentAt = new Date();
    const { room, author, text, clientMessageId } = input;
    insertMessage.run(room, id, author, text, sentAt.getTime(), clientMessageId);
    return { message: { room, id, author, text, sentAt, clientMessageId }, duplicate: false };
  }

  return {
    commit: (inputs) => inTransaction(db, () => inputs.map(appendOne)),
  };
}

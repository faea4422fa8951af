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
  const selectLastId = db.prepare("SELECT last_id FROM rooms WHERE room = ?");
  const saveLastId = db.prepare(
    `INSERT INTO rooms (room, last_id) VALUES (?, ?)
     ON CONFLICT (room) DO UPDATE SET last_id = excluded.last_id`,
  );
  // A repeated (room, author, client_message_id) inserts nothing (the index is the conflict
  // target); any other conflict, such as an id already taken, still fails the batch.
  const insertMessage = db.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (room, author, client_message_id) WHERE client_message_id <> '' DO NOTHING`,
  );

  function lastIdOf(room: string): bigint {
    const row = selectLastId.get(room);
    return row === undefined ? 0n : integerColumn(row, "last_id");
  }

  function original(input: AppendInput): AppendResult {
    // Inside the batch's transaction, so this also finds an original appended earlier in it.
    const row = selectOriginal.get(input.room, input.author, input.clientMessageId);
    if (row === undefined) {
      throw new Error(`an append to ${input.room} inserted nothing, and no original exists`);
    }
    return { message: decodeMessage(row), duplicate: true };
  }

  function commitBatch(inputs: readonly AppendInput[]): AppendResult[] {
    // Each room's last id is read once and written back once a batch, under the batch's write
    // lock, and the insert itself catches a repeat: one statement an append, where a SELECT for
    // the repeat and a claim of the id on `rooms` came before each insert (NOTES §15).
    const lastIds = new Map<string, bigint>();
    const results = inputs.map((input): AppendResult => {
      const { room, author, text, clientMessageId } = input;
      const id = (lastIds.get(room) ?? lastIdOf(room)) + 1n;
      const sentAt = new Date();
      if (insertMessage.run(room, id, author, text, sentAt.getTime(), clientMessageId) === 0) {
        return original(input);
      }
      lastIds.set(room, id);
      return { message: { room, id, author, text, sentAt, clientMessageId }, duplicate: false };
    });
    for (const [room, lastId] of lastIds) saveLastId.run(room, lastId);
    return results;
  }

  return {
    commit: (inputs) => inTransaction(db, () => commitBatch(inputs)),
  };
}

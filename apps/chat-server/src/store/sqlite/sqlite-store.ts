import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createListenerSet } from "../listener-set.js";
import type { RetainingStore } from "../message-retention.js";
import {
  type AppendInput,
  type AppendResult,
  assertReadLimit,
  type CommittedBatch,
  type MessageStore,
  MessageStoreClosedError,
} from "../message-store.js";
import { openSqlite, type SqliteDriver } from "./sqlite-connection.js";
import { createSqliteRetention } from "./sqlite-retention.js";
import { decodeMessage, integerColumn, MESSAGE_COLUMNS } from "./sqlite-rows.js";
import { migrate } from "./sqlite-schema.js";
import { inTransaction } from "./sqlite-transaction.js";

/** How to open a {@link createSqliteStore} store. */
export interface SqliteStoreOptions {
  /** The database file; missing parent directories are created. */
  readonly path: string;
  /** Called after each transaction commits and its appends resolve: for metrics and tests. */
  readonly onCommit?: (batch: CommittedBatch) => void;
  /** The driver; by default `node:sqlite` where this Node has it, else `libsql`. */
  readonly driver?: SqliteDriver;
}

interface PendingAppend {
  readonly input: AppendInput;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** How long appends may wait to share a transaction (group commit). */
const GROUP_COMMIT_WINDOW_MS = 1;

/** Appends committed in one transaction at most; a full batch is committed at once. */
const MAX_BATCH = 512;

// SQLite stores integers as signed 64-bit; no id can exceed this.
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Opens (creating and migrating as needed) a {@link MessageStore} in one
 * SQLite file. Throws if the file cannot be opened or has a newer schema.
 *
 * An append resolves only after its transaction is committed and fsynced:
 * the message survives `kill -9` and, on storage that honours fsync, an OS
 * crash or a power cut. Appends made in the same event-loop turn share one
 * transaction (group commit); if it fails, all of them reject and none is
 * stored.
 *
 * A file belongs to one server instance: `subscribe` sees only appends made
 * through this store, since SQLite cannot notify other connections.
 */
export function createSqliteStore({ path, onCommit, driver }: SqliteStoreOptions): RetainingStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = openSqlite(path, driver);
  try {
    db.exec("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL already survives kill -9 (a commit is in the OS page
    // cache), but it fsyncs only at checkpoints, so an OS crash or power cut
    // can lose acknowledged messages. FULL fsyncs the WAL at every commit;
    // group commit spreads that cost over every append in the batch.
    db.exec("PRAGMA synchronous = FULL");
    // Another writer (an operator's `sqlite3` shell) may hold the lock briefly: wait up to a
    // second for it rather than fail the batch at once.
    db.exec("PRAGMA busy_timeout = 1000");
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error;
  }

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
  const selectAfter = db.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  // Retention removes a room's oldest messages: ids removed_through + 1 … last_id are kept.
  const countsOf = `SELECT COALESCE(SUM(last_id - removed_through), 0) AS message_count,
    COUNT(*) AS room_count FROM rooms WHERE last_id > removed_through`;
  const selectStats = db.prepare(countsOf);
  const selectRoomStats = db.prepare(`${countsOf} AND room = ?`);
  const retention = createSqliteRetention(db);

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

  const commitBatch = (batch: readonly PendingAppend[]) =>
    inTransaction(db, () => batch.map((append) => ({ append, result: appendOne(append.input) })));

  const listeners = createListenerSet();
  let pending: PendingAppend[] = [];
  let scheduledFlush: NodeJS.Timeout | undefined;
  let closed = false;

  function flush(): void {
    if (scheduledFlush !== undefined) clearTimeout(scheduledFlush);
    scheduledFlush = undefined;
    const batch = pending;
    pending = [];
    let answered: ReturnType<typeof commitBatch>;
    const startedAt = performance.now();
    try {
      answered = commitBatch(batch);
    } catch (error) {
      for (const append of batch) append.reject(error);
      return;
    }
    let stored = 0;
    for (const { result } of answered) {
      if (result.duplicate) continue;
      stored++;
      listeners.emit(result.message);
    }
    for (const { append, result } of answered) append.resolve(result);
    onCommit?.({ appends: batch.length, stored, seconds: (performance.now() - startedAt) / 1000 });
  }

  function assertOpen(): void {
    if (closed) throw new MessageStoreClosedError();
  }

  return {
    append(input) {
      if (closed) return Promise.reject(new MessageStoreClosedError());
      return new Promise((resolve, reject) => {
        pending.push({ input, resolve, reject });
        // A batch collects for up to GROUP_COMMIT_WINDOW_MS. One turn of the
        // event loop is not enough: a grpc-js client writes each message of a
        // stream in its own socket write, so a session's posts arrive one per
        // turn, and flushing per turn commits (and fsyncs) one post at a time
        // (strace in bench/results/NOTES.md). A millisecond is below one fsync.
        if (pending.length >= MAX_BATCH) flush();
        else scheduledFlush ??= setTimeout(flush, GROUP_COMMIT_WINDOW_MS);
      });
    },

    async readAfter(room, afterId, limit) {
      assertOpen();
      assertReadLimit(limit);
      if (afterId >= INT64_MAX) return [];
      return selectAfter.all(room, afterId, limit).map(decodeMessage);
    },

    async stats(room) {
      assertOpen();
      const row = room === undefined ? selectStats.get() : selectRoomStats.get(room);
      return {
        messageCount: integerColumn(row, "message_count"),
        roomCount: Number(integerColumn(row, "room_count")),
      };
    },

    async roomsWithMessages() {
      assertOpen();
      return retention.roomsWithMessages();
    },
    async trimRoom(room, policy, now, limit) {
      assertOpen();
      return retention.trimRoom(room, policy, now, limit);
    },
    async idRange(room) {
      assertOpen();
      return retention.idRange(room);
    },
    subscribe(listener, room) {
      assertOpen();
      return listeners.add(listener, room);
    },

    watchAvailability(listener) {
      assertOpen();
      // A local file has no connection to lose: it is always reachable.
      listener(true);
      return () => {};
    },

    async close() {
      if (closed) return;
      closed = true;
      if (scheduledFlush !== undefined) flush();
      db.close();
    },
  };
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createAvailability } from "../availability.js";
import { createListenerSet } from "../listener-set.js";
import type { RetainingStore } from "../message-retention.js";
import {
  type AppendInput,
  type AppendResult,
  assertReadLimit,
  type CommittedBatch,
  MessageStoreClosedError,
  MessageStoreUnavailableError,
} from "../message-store.js";
import { defaultSqliteDriver, openSqlite, type SqliteDriver } from "./sqlite-connection.js";
import { createSqliteRetention } from "./sqlite-retention.js";
import { decodeMessage, integerColumn, MESSAGE_COLUMNS } from "./sqlite-rows.js";
import { migrate } from "./sqlite-schema.js";
import { MAX_BATCH } from "./sqlite-write-queue.js";
import { type SqliteWriter, type SqliteWriterOptions, startSqliteWriter } from "./sqlite-writer.js";

/** How to open a {@link createSqliteStore} store. */
export interface SqliteStoreOptions {
  /** The database file; missing parent directories are created. */
  readonly path: string;
  /** Called as each transaction has committed, just before its appends resolve (metrics, tests). */
  readonly onCommit?: (batch: CommittedBatch) => void;
  /** Called once if the writer thread dies; the store is unavailable from then on. */
  readonly onError?: (error: MessageStoreUnavailableError) => void;
  /** The driver; by default `node:sqlite` where this Node has it, else `libsql`. */
  readonly driver?: SqliteDriver;
  /** Starts the writer thread; tests replace it to reach the thread. */
  readonly startWriter?: (options: SqliteWriterOptions) => SqliteWriter;
}

// SQLite stores integers as signed 64-bit; no id can exceed this.
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Opens (creating and migrating as needed) a {@link MessageStore} in one
 * SQLite file. Throws if the file cannot be opened or has a newer schema.
 *
 * An append resolves only after its transaction is committed and fsynced:
 * the message survives `kill -9` and, on storage that honours fsync, an OS
 * crash or a power cut. Writes run on a thread of their own
 * (`sqlite-writer.ts`), one transaction at a time, so the fsync never blocks
 * the event loop; the appends of one event-loop turn travel together, and all
 * that reach the thread while a transaction commits share the next one
 * (group commit). If a transaction fails, all of its appends reject and none
 * is stored. Reads run
 * on the event loop on a connection of their own: WAL lets them see every
 * committed transaction without waiting for the writer.
 *
 * If the writer thread dies, every append waiting on it rejects with a
 * {@link MessageStoreUnavailableError}, the store reports itself unavailable
 * for good, and later writes reject the same way: the process should be
 * restarted (its health check says NOT_SERVING).
 *
 * A file belongs to one server instance: `subscribe` sees only appends made
 * through this store, since SQLite cannot notify other connections.
 */
export function createSqliteStore({
  path,
  onCommit,
  onError,
  driver = defaultSqliteDriver(),
  startWriter = startSqliteWriter,
}: SqliteStoreOptions): RetainingStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = openSqlite(path, driver);
  let writer: SqliteWriter;
  try {
    db.exec("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL already survives kill -9 (a commit is in the OS page
    // cache), but it fsyncs only at checkpoints, so an OS crash or power cut
    // can lose acknowledged messages. FULL fsyncs the WAL at every commit;
    // group commit spreads that cost over every append in the batch. The
    // writer thread sets it on its own connection; here it covers migrations.
    db.exec("PRAGMA synchronous = FULL");
    // Another writer (an operator's `sqlite3` shell) may hold the lock briefly: wait up to a
    // second for it rather than fail at once.
    db.exec("PRAGMA busy_timeout = 1000");
    // Migrations run here, before the writer starts, so a file that cannot be used fails the
    // start-up with its reason (open-store.ts turns it into exit code 2).
    migrate(db, path);
    writer = startWriter({ path, driver, onCommitted, onLost });
  } catch (error) {
    db.close();
    throw error;
  }

  const selectAfter = db.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  // Retention removes a room's oldest messages: ids removed_through + 1 … last_id are kept.
  const countsOf = `SELECT COALESCE(SUM(last_id - removed_through), 0) AS message_count,
    COUNT(*) AS room_count FROM rooms WHERE last_id > removed_through`;
  const selectStats = db.prepare(countsOf);
  const selectRoomStats = db.prepare(`${countsOf} AND room = ?`);
  // Only the reads: trimRoom writes, so it goes to the writer thread.
  const retentionReads = createSqliteRetention(db);

  const listeners = createListenerSet();
  const availability = createAvailability(true);
  let turn: { inputs: AppendInput[]; committed: Promise<readonly AppendResult[]> } | undefined;
  let sending: Promise<unknown> = Promise.resolve();
  let closed = false;

  function onCommitted(results: readonly AppendResult[], seconds: number): void {
    let stored = 0;
    for (const result of results) {
      if (result.duplicate) continue;
      stored++;
      listeners.emit(result.message);
    }
    onCommit?.({ appends: results.length, stored, seconds });
  }

  function onLost(error: MessageStoreUnavailableError): void {
    availability.set(false);
    onError?.(error);
  }

  function assertOpen(): void {
    if (closed) throw new MessageStoreClosedError();
  }

  return {
    append(input) {
      if (closed) return Promise.reject(new MessageStoreClosedError());
      if (!availability.current) return Promise.reject(new MessageStoreUnavailableError());
      // The appends of one turn go to the writer in one message, at the end of the turn.
      if (turn === undefined) {
        const inputs: AppendInput[] = [];
        const committed = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          if (turn?.inputs === inputs) turn = undefined;
          return writer.commit(inputs);
        });
        turn = { inputs, committed };
        sending = committed.catch(() => {});
      }
      const index = turn.inputs.push(input) - 1;
      const current = turn;
      // A full request goes as it is; later appends of this turn start the next one.
      if (current.inputs.length >= MAX_BATCH) turn = undefined;
      return current.committed.then((results) => {
        const result = results[index];
        if (result === undefined) throw new Error("the SQLite writer answered fewer appends");
        return result;
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
      return retentionReads.roomsWithMessages();
    },
    async trimRoom(room, policy, now, limit) {
      assertOpen();
      return writer.trimRoom(room, policy, now, limit);
    },
    async idRange(room) {
      assertOpen();
      return retentionReads.idRange(room);
    },
    subscribe(listener, room) {
      assertOpen();
      return listeners.add(listener, room);
    },

    watchAvailability(listener) {
      assertOpen();
      return availability.watch(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      // Drain: every append accepted so far reaches the writer, which answers it before it ends.
      await sending;
      await writer.close();
      availability.clear();
      db.close();
    },
  };
}

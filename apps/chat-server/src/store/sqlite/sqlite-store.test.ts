import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { describeMessageStoreContract } from "../../test-support/message-store-contract.js";
import { describeRetentionContract } from "../../test-support/retention-contract.js";
import type { RetainingStore } from "../message-retention.js";
import {
  type CommittedBatch,
  type MessageStore,
  MessageStoreUnavailableError,
} from "../message-store.js";
import {
  defaultSqliteDriver,
  openSqlite,
  type SqliteConnection,
  type SqliteDriver,
} from "./sqlite-connection.js";
import { readSchemaVersion, SQLITE_SCHEMA_VERSION } from "./sqlite-schema.js";
import { createSqliteStore } from "./sqlite-store.js";
import { MAX_BATCH } from "./sqlite-write-queue.js";
import { type SqliteWriter, startSqliteWriter } from "./sqlite-writer.js";

const root = mkdtempSync(join(tmpdir(), "chat-server-sqlite-"));
let files = 0;

/** A path no test has used yet, inside a directory that does not exist yet. */
function freshPath(): string {
  files++;
  return join(root, `case-${files}`, "chat.db");
}

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

// Both drivers where this Node has both (22.13+), libsql alone on Node 20: each line CI runs
// covers the driver it uses by default, and libsql is covered on every line.
const drivers: readonly SqliteDriver[] =
  defaultSqliteDriver() === "node:sqlite" ? ["node:sqlite", "libsql"] : ["libsql"];

it("uses node:sqlite by default wherever this Node has it", () => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const hasNodeSqlite = major > 22 || (major === 22 && minor >= 13);
  expect(defaultSqliteDriver()).toBe(hasNodeSqlite ? "node:sqlite" : "libsql");
});

describe.each(drivers)("createSqliteStore on %s", (driver) => {
  describeMessageStoreContract(`createSqliteStore (${driver})`, {
    createStorage: () => {
      const path = freshPath();
      return () => createSqliteStore({ path, driver });
    },
    persistent: true,
  });
  describeRetentionContract(`createSqliteStore (${driver})`, {
    createStorage: () => {
      const path = freshPath();
      return () => createSqliteStore({ path, driver });
    },
    persistent: true,
  });

  const opened: MessageStore[] = [];
  const inspectors: SqliteConnection[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    for (const db of inspectors.splice(0)) db.close();
  });

  function open(path: string, commits: CommittedBatch[] = []): RetainingStore {
    const store = createSqliteStore({ path, driver, onCommit: (batch) => commits.push(batch) });
    opened.push(store);
    return store;
  }

  /** A second connection to the file, as an operator's `sqlite3` shell would be. */
  function inspect(path: string): SqliteConnection {
    const db = openSqlite(path, driver);
    inspectors.push(db);
    return db;
  }

  it("creates the file and its directories with the current schema version, in WAL mode", async () => {
    const path = freshPath();
    await open(path).close();
    const db = inspect(path);
    expect(readSchemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION);
    expect(db.prepare("PRAGMA journal_mode").get()).toMatchObject({ journal_mode: "wal" });
  });

  it("migrates a file from before retention, keeping its messages, counts and ids", async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const before = openSqlite(path, driver);
    // Schema version 1, as the first release created it.
    before.exec(`
      CREATE TABLE messages (room TEXT NOT NULL, id INTEGER NOT NULL, author TEXT NOT NULL,
        text TEXT NOT NULL, sent_at_ms INTEGER NOT NULL, client_message_id TEXT NOT NULL,
        PRIMARY KEY (room, id)) WITHOUT ROWID;
      CREATE UNIQUE INDEX messages_by_client_message_id ON messages (room, author, client_message_id)
        WHERE client_message_id <> '';
      CREATE TABLE rooms (room TEXT PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO messages VALUES ('r', 1, 'ada', 'one', 1, ''), ('r', 2, 'ada', 'two', 2, 'c-2');
      INSERT INTO rooms VALUES ('r', 2);
      PRAGMA user_version = 1;
    `);
    before.close();
    const store = open(path);
    expect(await store.stats(undefined)).toEqual({ messageCount: 2n, roomCount: 1 });
    expect(await store.idRange("r")).toEqual({ lastId: 2n, removedThrough: 0n });
    expect(await store.trimRoom("r", { maxMessages: 1 }, new Date(), 500)).toBe(1);
    expect(
      (await store.append({ room: "r", author: "ada", text: "three", clientMessageId: "c-2" }))
        .duplicate,
    ).toBe(true);
    expect((await store.readAfter("r", 0n, 10)).map(({ text }) => text)).toEqual(["two"]);
  });

  it("refuses a file with a newer schema, leaving it untouched", () => {
    const path = freshPath();
    open(path);
    inspect(path).exec(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    expect(() => createSqliteStore({ path })).toThrow(
      `has schema version ${SQLITE_SCHEMA_VERSION + 1}, newer than ${SQLITE_SCHEMA_VERSION}`,
    );
    expect(readSchemaVersion(inspect(path))).toBe(SQLITE_SCHEMA_VERSION + 1);
  });

  it("commits the appends of one event-loop turn in one transaction", async () => {
    const commits: CommittedBatch[] = [];
    const store = open(freshPath(), commits);
    await Promise.all([
      ...Array.from({ length: 100 }, (_, index) =>
        store.append({ room: "r", author: "ada", text: `${index}`, clientMessageId: "" }),
      ),
      store.append({ room: "r", author: "ada", text: "again", clientMessageId: "c-1" }),
      store.append({ room: "r", author: "ada", text: "again", clientMessageId: "c-1" }),
    ]);
    expect(commits).toEqual([{ appends: 102, stored: 101, seconds: expect.any(Number) }]);

    // The repeat took no id: the next message follows the 101 stored, with no gap.
    const later = await store.append({
      room: "r",
      author: "ada",
      text: "later",
      clientMessageId: "",
    });
    expect(later.message.id).toBe(102n);
    await store.append({ room: "r", author: "ada", text: "later still", clientMessageId: "" });
    expect(commits.slice(1)).toEqual([
      { appends: 1, stored: 1, seconds: expect.any(Number) },
      { appends: 1, stored: 1, seconds: expect.any(Number) },
    ]);
  });

  it(`commits at most ${MAX_BATCH} appends in one transaction`, async () => {
    const commits: CommittedBatch[] = [];
    const store = open(freshPath(), commits);
    const appended = await Promise.all(
      Array.from({ length: MAX_BATCH + 88 }, (_, index) =>
        store.append({ room: "r", author: "ada", text: `${index}`, clientMessageId: "" }),
      ),
    );
    expect(commits.map(({ appends }) => appends)).toEqual([MAX_BATCH, 88]);
    expect(appended.map(({ message }) => message.id)).toEqual(
      Array.from({ length: MAX_BATCH + 88 }, (_, index) => BigInt(index + 1)),
    );
  });

  it("rejects every append of a failed transaction and stores none of them", async () => {
    const path = freshPath();
    const commits: CommittedBatch[] = [];
    const store = open(path, commits);
    const notified: bigint[] = [];
    store.subscribe((message) => notified.push(message.id));
    inspect(path).exec(`
      CREATE TRIGGER fail_on_boom BEFORE INSERT ON messages WHEN NEW.text = 'boom'
      BEGIN SELECT RAISE(ABORT, 'boom refused'); END;
    `);

    const batch = ["fine", "boom", "also fine"].map((text) =>
      store.append({ room: "r", author: "ada", text, clientMessageId: "" }),
    );
    for (const outcome of await Promise.allSettled(batch)) {
      expect(outcome).toMatchObject({ status: "rejected", reason: { message: "boom refused" } });
    }
    expect(commits).toEqual([]);
    expect(notified).toEqual([]);
    expect(await store.stats(undefined)).toEqual({ messageCount: 0n, roomCount: 0 });

    const next = await store.append({
      room: "r",
      author: "ada",
      text: "fine",
      clientMessageId: "",
    });
    expect(next.message.id).toBe(1n);
    expect(notified).toEqual([1n]);
  });

  it("fails every waiting append, acks none, and turns unavailable when the writer thread dies", async () => {
    let writer: SqliteWriter | undefined;
    const errors: unknown[] = [];
    const store = createSqliteStore({
      path: freshPath(),
      driver,
      onError: (error) => errors.push(error),
      startWriter: (options) => {
        writer = startSqliteWriter(options);
        return writer;
      },
    });
    opened.push(store);
    const availability: boolean[] = [];
    store.watchAvailability((available) => availability.push(available));
    await store.append({ room: "r", author: "ada", text: "kept", clientMessageId: "" });

    const waiting = ["lost 1", "lost 2"].map((text) =>
      store.append({ room: "r", author: "ada", text, clientMessageId: "" }),
    );
    await writer?.terminate();
    for (const outcome of await Promise.allSettled(waiting)) {
      expect(outcome).toMatchObject({ status: "rejected" });
      if (outcome.status === "rejected") {
        expect(outcome.reason).toBeInstanceOf(MessageStoreUnavailableError);
      }
    }
    await expect(
      store.append({ room: "r", author: "ada", text: "later", clientMessageId: "" }),
    ).rejects.toBeInstanceOf(MessageStoreUnavailableError);
    expect(availability).toEqual([true, false]);
    expect(errors).toEqual([expect.any(MessageStoreUnavailableError)]);
    // Reads run on their own connection and go on working.
    expect((await store.readAfter("r", 0n, 10)).map(({ text }) => text)).toEqual(["kept"]);
  });
});

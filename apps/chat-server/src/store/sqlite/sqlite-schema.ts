import type { SqliteConnection } from "./sqlite-connection.js";
import { RETENTION_MIGRATION } from "./sqlite-retention.js";
import { integerColumn } from "./sqlite-rows.js";
import { inTransaction } from "./sqlite-transaction.js";

/**
 * The schema, one step per entry; entry `n` takes a database from
 * `PRAGMA user_version = n` to `n + 1`. Append new steps; never edit old ones,
 * because existing files have already run them.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE messages (
    room TEXT NOT NULL,
    id INTEGER NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at_ms INTEGER NOT NULL,
    client_message_id TEXT NOT NULL,
    PRIMARY KEY (room, id)
  ) WITHOUT ROWID;

  CREATE UNIQUE INDEX messages_by_client_message_id
    ON messages (room, author, client_message_id)
    WHERE client_message_id <> '';

  -- The last id handed out per room: the next id without scanning messages,
  -- and a row exactly for each room holding a message.
  CREATE TABLE rooms (
    room TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  RETENTION_MIGRATION,
];

/** The `PRAGMA user_version` of a database this code has fully migrated. */
export const SQLITE_SCHEMA_VERSION = migrations.length;

/**
 * Brings `db` to {@link SQLITE_SCHEMA_VERSION} in one transaction, so a crash
 * mid-migration leaves the previous version. Throws, changing nothing, when
 * the file was written by a newer version of this code.
 */
export function migrate(db: SqliteConnection, path: string): void {
  inTransaction(db, () => {
    const version = readSchemaVersion(db);
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(
        `${path} has schema version ${version}, newer than ${SQLITE_SCHEMA_VERSION}: upgrade the chat server or use another file`,
      );
    }
    for (const migration of migrations.slice(version)) db.exec(migration);
    db.exec(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION}`);
  });
}

/** The schema version a database file was last migrated to (`PRAGMA user_version`). */
export function readSchemaVersion(db: SqliteConnection): number {
  return Number(integerColumn(db.prepare("PRAGMA user_version").get(), "user_version"));
}

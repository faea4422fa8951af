import type { SqliteConnection } from "./sqlite-connection.js";

/**
 * Runs `work` in one `BEGIN IMMEDIATE` transaction and returns its result once committed. If
 * `work` or the commit throws, the transaction is rolled back and the error rethrown: nothing of
 * it is stored. IMMEDIATE takes the write lock at `BEGIN`, so no statement inside fails for want
 * of it half-way.
 */
export function inTransaction<T>(db: SqliteConnection, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    rollBack(db);
    throw error;
  }
}

function rollBack(db: SqliteConnection): void {
  try {
    db.exec("ROLLBACK");
  } catch {
    // SQLite already rolled back (a failed COMMIT can end the transaction itself): nothing is left.
  }
}

import { createRequire } from "node:module";
import type LibsqlDatabase from "libsql";
import { loadNodeSqlite, type NodeSqliteValue } from "./node-sqlite.js";

/** A value a statement binds. */
export type SqliteValue = NodeSqliteValue;

/** A prepared statement; INTEGER columns read as `bigint`, so ids stay exact past 2^53. */
export interface SqliteStatement {
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
  /** Runs the statement; returns how many rows it inserted, updated or deleted. */
  run(...params: SqliteValue[]): number;
}

/** The part of a SQLite connection the store uses, the same whichever driver is under it. */
export interface SqliteConnection {
  /** Which driver this connection runs on. */
  readonly driver: SqliteDriver;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * The SQLite drivers: Node's built-in `node:sqlite` (Node >= 22.13 without a flag; nothing to
 * install), and `libsql` (Node-API, prebuilt per platform) for Node 20, which has none. Neither
 * builds anything at install, and neither derives from `node::ObjectWrap`, whose destructor aborted
 * better-sqlite3 12 on Node >= 24.19 (bench/results/sqlite-drivers.md has the comparison).
 */
export type SqliteDriver = "node:sqlite" | "libsql";

const require = createRequire(import.meta.url);

/** `node:sqlite` where this Node has it, else `libsql`. */
export function defaultSqliteDriver(): SqliteDriver {
  return loadNodeSqlite() === undefined ? "libsql" : "node:sqlite";
}

/** Opens (creating if missing) the database file at `path` with `driver`. */
export function openSqlite(path: string, driver = defaultSqliteDriver()): SqliteConnection {
  return driver === "node:sqlite" ? openNodeSqlite(path) : openLibsql(path);
}

function openNodeSqlite(path: string): SqliteConnection {
  const sqlite = loadNodeSqlite();
  if (sqlite === undefined) {
    throw new Error(`node:sqlite needs Node >= 22.13; this is ${process.version}`);
  }
  const db = new sqlite.DatabaseSync(path);
  return {
    driver: "node:sqlite",
    exec: (sql) => db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql);
      statement.setReadBigInts(true);
      return {
        get: (...params) => statement.get(...params),
        all: (...params) => statement.all(...params),
        run: (...params) => Number(statement.run(...params).changes),
      };
    },
    close: () => db.close(),
  };
}

function openLibsql(path: string): SqliteConnection {
  // Loaded only here: on Node >= 22.13 the store never touches libsql's native binary.
  const Database: typeof LibsqlDatabase = require("libsql");
  const db = new Database(path);
  return {
    driver: "libsql",
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql).safeIntegers();
      return {
        get: (...params) => statement.get(...params),
        all: (...params) => statement.all(...params),
        run: (...params) => statement.run(...params).changes,
      };
    },
    close: () => void db.close(),
  };
}

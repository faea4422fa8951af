// Types of the part of `node:sqlite` (Node >= 22.5) that the store uses. @types/node follows the
// lowest supported Node, 20, which has no `node:sqlite`; these describe the API as Node documents
// it (https://nodejs.org/api/sqlite.html).

/** A value a statement binds. */
export type NodeSqliteValue = string | number | bigint | null;

/** `node:sqlite`'s `StatementSync`. */
export interface NodeSqliteStatement {
  get(...params: NodeSqliteValue[]): unknown;
  all(...params: NodeSqliteValue[]): unknown[];
  /** `changes` is a `bigint` when read-bigints is on. */
  run(...params: NodeSqliteValue[]): { changes: number | bigint };
  /** Read INTEGER columns as `bigint` instead of `number`. */
  setReadBigInts(enabled: boolean): void;
}

/** `node:sqlite`'s `DatabaseSync`. */
export interface NodeSqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}

/** The `node:sqlite` module. */
export interface NodeSqliteModule {
  readonly DatabaseSync: new (path: string) => NodeSqliteDatabase;
}

/** `node:sqlite` if this Node has it (`process.getBuiltinModule` needs no flag and no await). */
export function loadNodeSqlite(): NodeSqliteModule | undefined {
  const module = process.getBuiltinModule("node:sqlite");
  return isNodeSqlite(module) ? module : undefined;
}

function isNodeSqlite(module: object | undefined): module is NodeSqliteModule {
  return (
    module !== undefined && "DatabaseSync" in module && typeof module.DatabaseSync === "function"
  );
}

import type { RetentionPolicy } from "../message-retention.js";
import type { AppendInput, AppendResult } from "../message-store.js";
import type { SqliteDriver } from "./sqlite-connection.js";

/** What the SQLite writer thread is started with (its `workerData`). */
export interface WriterThreadData {
  /** The database file, already created and migrated by the store. */
  readonly path: string;
  readonly driver: SqliteDriver;
}

/** A request to the writer thread; it answers each with a {@link WriterReply} of the same `id`. */
export type WriterRequest =
  | { readonly kind: "append"; readonly id: number; readonly inputs: readonly AppendInput[] }
  | {
      readonly kind: "trim";
      readonly id: number;
      readonly room: string;
      readonly policy: RetentionPolicy;
      readonly nowMs: number;
      readonly limit: number;
    }
  /** Close the connection and end the thread, after every request posted before it. */
  | { readonly kind: "close" };

/** The writer thread's answer to one request. */
export type WriterReply =
  | {
      readonly kind: "appended";
      readonly id: number;
      readonly results: readonly AppendResult[];
      /** How long the transaction took, commit and fsync included. */
      readonly seconds: number;
    }
  | { readonly kind: "trimmed"; readonly id: number; readonly removed: number }
  /** The transaction failed and stored nothing; `message` is the SQLite error's. */
  | {
      readonly kind: "failed";
      readonly id: number;
      readonly name: string;
      readonly message: string;
    };

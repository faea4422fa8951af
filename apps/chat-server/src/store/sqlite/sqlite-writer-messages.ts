import type { RetentionPolicy } from "../message-retention.js";
import type { SqliteDriver } from "./sqlite-connection.js";
import type { EncodedResults } from "./sqlite-writer-codec.js";

/** What the SQLite writer thread is started with (its `workerData`). */
export interface WriterThreadData {
  /** The database file, already created and migrated by the store. */
  readonly path: string;
  readonly driver: SqliteDriver;
}

/** Appends to store, in order; the thread may commit several of these in one transaction. */
export interface AppendRequest {
  readonly kind: "append";
  readonly id: number;
  /** The appends, as `encodeInputs` lays them out. */
  readonly fields: readonly string[];
}

/** One `MessageRetention.trimRoom` step, in a transaction of its own. */
export interface TrimRequest {
  readonly kind: "trim";
  readonly id: number;
  readonly room: string;
  readonly policy: RetentionPolicy;
  readonly nowMs: number;
  readonly limit: number;
}

/**
 * A request to the writer thread; it answers each append and trim with a {@link WriterReply}
 * naming its `id`, in the order they were posted.
 */
export type WriterRequest =
  | AppendRequest
  | TrimRequest
  /** Commit what is queued, close the connection and end the thread. */
  | { readonly kind: "close" };

/** What one transaction answered. */
export type WriterReply =
  | {
      readonly kind: "committed";
      /** The append requests the transaction stored, in order. */
      readonly ids: readonly number[];
      /** What each of their appends did, in the same order. */
      readonly results: EncodedResults;
      /** How long the transaction took, commit and fsync included. */
      readonly seconds: number;
    }
  | { readonly kind: "trimmed"; readonly id: number; readonly removed: number }
  /** The transaction failed and stored nothing; `message` is the SQLite error's. */
  | {
      readonly kind: "failed";
      readonly ids: readonly number[];
      readonly name: string;
      readonly message: string;
    };

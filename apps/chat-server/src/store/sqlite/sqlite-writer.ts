import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { RetentionPolicy } from "../message-retention.js";
import {
  type AppendInput,
  type AppendResult,
  MessageStoreUnavailableError,
} from "../message-store.js";
import type { SqliteDriver } from "./sqlite-connection.js";
import type { WriterReply, WriterRequest, WriterThreadData } from "./sqlite-writer-messages.js";

/** A committed batch of appends, as the writer thread answered it. */
export interface CommittedAppends {
  /** What each append did, in the order given. */
  readonly results: readonly AppendResult[];
  /** How long the transaction took on the writer thread, commit and fsync included. */
  readonly seconds: number;
}

/**
 * The SQLite store's one write connection, on a thread of its own (`sqlite-writer-thread.ts`):
 * a commit's fsync blocks that thread, never the event loop. Requests run one at a time in the
 * order made.
 */
export interface SqliteWriter {
  /**
   * Stores `inputs` in one transaction (see {@link SqliteAppends}) and resolves once it is
   * committed and fsynced. Rejects with the SQLite error, nothing stored, if the transaction
   * fails, and with a {@link MessageStoreUnavailableError} if the thread is gone (the batch may
   * then have been committed or not).
   */
  commit(inputs: readonly AppendInput[]): Promise<CommittedAppends>;
  /** `MessageRetention.trimRoom` on the write connection; rejects as {@link commit} does. */
  trimRoom(room: string, policy: RetentionPolicy, now: Date, limit: number): Promise<number>;
  /** Answers every request made so far, then closes the connection and ends the thread. */
  close(): Promise<void>;
  /** Ends the thread at once, as a crash would: for tests of a writer that dies. */
  terminate(): Promise<void>;
}

/** Options of {@link startSqliteWriter}. */
export interface SqliteWriterOptions {
  /** The database file, already created and migrated. */
  readonly path: string;
  readonly driver: SqliteDriver;
  /**
   * Called once if the thread dies (an uncaught error, a failed start, `terminate`), after every
   * request waiting on it has been rejected. The writer is not restarted: every later request
   * rejects with the same {@link MessageStoreUnavailableError}.
   */
  readonly onLost: (error: MessageStoreUnavailableError) => void;
}

// The same file from src/store/sqlite/*.ts (vitest) and dist/store/sqlite/*.js (node): plain node
// cannot run a .ts worker, so tests need `pnpm build` first, which turbo's `test` task does.
const WRITER_URL = new URL("../../../dist/store/sqlite/sqlite-writer-thread.js", import.meta.url);

interface Waiting {
  resolve(reply: WriterReply): void;
  reject(error: unknown): void;
}

/**
 * Starts the writer thread on `path`. Throws if the thread's module is missing (an unbuilt
 * package); a thread that fails to open the file later dies as {@link SqliteWriterOptions.onLost}
 * describes. The thread keeps the process alive only while a request is outstanding.
 */
export function startSqliteWriter({ path, driver, onLost }: SqliteWriterOptions): SqliteWriter {
  if (!existsSync(fileURLToPath(WRITER_URL))) {
    throw new Error(
      `the SQLite writer ${fileURLToPath(WRITER_URL)} is missing; build the package first (pnpm build)`,
    );
  }
  const workerData: WriterThreadData = { path, driver };
  const worker = new Worker(WRITER_URL, { workerData });
  worker.unref();
  const waiting = new Map<number, Waiting>();
  let lastId = 0;
  let closing = false;
  let lost: MessageStoreUnavailableError | undefined;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));

  worker.on("message", (reply: WriterReply) => {
    const request = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0 && !closing) worker.unref();
    request?.resolve(reply);
  });
  function fail(cause: unknown): void {
    if (lost !== undefined) return;
    lost = new MessageStoreUnavailableError({ cause });
    for (const request of waiting.values()) request.reject(lost);
    waiting.clear();
    onLost(lost);
  }
  worker.on("error", fail);
  worker.on("exit", (code) => {
    if (!closing) fail(new Error(`the SQLite writer thread exited with code ${code}`));
  });

  function send(request: WriterRequest & { readonly id: number }): Promise<WriterReply> {
    return new Promise((resolve, reject) => {
      waiting.set(request.id, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    });
  }

  function unexpected(reply: WriterReply): never {
    throw new Error(`the SQLite writer answered ${reply.kind} to a request of another kind`);
  }

  function failure(reply: Extract<WriterReply, { kind: "failed" }>): Error {
    const error = new Error(reply.message);
    error.name = reply.name;
    return error;
  }

  return {
    async commit(inputs) {
      if (lost !== undefined) throw lost;
      // Copies of the four fields: an input may carry more, which structured clone cannot take.
      const plain = inputs.map(({ room, author, text, clientMessageId }) => ({
        room,
        author,
        text,
        clientMessageId,
      }));
      const reply = await send({ kind: "append", id: ++lastId, inputs: plain });
      if (reply.kind === "failed") throw failure(reply);
      if (reply.kind !== "appended") unexpected(reply);
      return { results: reply.results, seconds: reply.seconds };
    },

    async trimRoom(room, policy, now, limit) {
      if (lost !== undefined) throw lost;
      const { maxMessages, maxAgeMs } = policy;
      const reply = await send({
        kind: "trim",
        id: ++lastId,
        room,
        policy: {
          ...(maxMessages === undefined ? {} : { maxMessages }),
          ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
        },
        nowMs: now.getTime(),
        limit,
      });
      if (reply.kind === "failed") throw failure(reply);
      if (reply.kind !== "trimmed") unexpected(reply);
      return reply.removed;
    },

    async close() {
      if (!closing && lost === undefined) {
        closing = true;
        worker.ref();
        worker.postMessage({ kind: "close" } satisfies WriterRequest);
      }
      closing = true;
      await exited;
    },

    async terminate() {
      await worker.terminate();
    },
  };
}

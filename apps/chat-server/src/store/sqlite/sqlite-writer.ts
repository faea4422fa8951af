import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { packageFile } from "@fibchat/server-kit";
import type { RetentionPolicy } from "../message-retention.js";
import {
  type AppendInput,
  type AppendResult,
  MessageStoreUnavailableError,
} from "../message-store.js";
import type { SqliteDriver } from "./sqlite-connection.js";
import { decodeResults, encodeInputs } from "./sqlite-writer-codec.js";
import type { WriterReply, WriterRequest, WriterThreadData } from "./sqlite-writer-messages.js";

/**
 * The SQLite store's one write connection, on a thread of its own (`sqlite-writer-thread.ts`):
 * a commit's fsync blocks that thread, never the event loop. Requests run in the order made;
 * the thread commits the appends that reach it during a commit together in the next transaction
 * (`sqlite-write-queue.ts`).
 */
export interface SqliteWriter {
  /**
   * Stores `inputs` (see `SqliteAppends.commit`) and resolves once their transaction is committed
   * and fsynced, after {@link SqliteWriterOptions.onCommitted}. Rejects with the SQLite error,
   * nothing of the transaction stored, if it fails, and with a
   * {@link MessageStoreUnavailableError} if the thread is gone (the appends may then have been
   * committed or not).
   */
  commit(inputs: readonly AppendInput[]): Promise<readonly AppendResult[]>;
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
   * Called with every result of each committed transaction, in order, and how long it took,
   * before the appends it answers resolve.
   */
  readonly onCommitted: (results: readonly AppendResult[], seconds: number) => void;
  /**
   * Called once if the thread dies (an uncaught error, a failed start, `terminate`), after every
   * request waiting on it has been rejected. The writer is not restarted: every later request
   * rejects with the same {@link MessageStoreUnavailableError}.
   */
  readonly onLost: (error: MessageStoreUnavailableError) => void;
}

// The built thread, found from the package's root: this code runs from src/store/sqlite/ (vitest)
// and from a chunk of the bundle (dist/chunks/). Plain node cannot run a .ts worker, so tests
// need `pnpm build` first, which turbo's `test` task does.
const WRITER_URL = packageFile(import.meta.url, "dist/store/sqlite/sqlite-writer-thread.js");

interface Waiting {
  /** An append's inputs; empty for a trim. */
  readonly inputs: readonly AppendInput[];
  resolve(reply: WriterReply, results: readonly AppendResult[]): void;
  reject(error: unknown): void;
}

/**
 * Starts the writer thread on `path`. Throws if the thread's module is missing (an unbuilt
 * package); a thread that fails to open the file dies as {@link SqliteWriterOptions.onLost}
 * describes. The thread keeps the process alive only while a request is outstanding.
 */
export function startSqliteWriter({
  path,
  driver,
  onCommitted,
  onLost,
}: SqliteWriterOptions): SqliteWriter {
  if (!existsSync(fileURLToPath(WRITER_URL))) {
    throw new Error(
      `the SQLite writer ${fileURLToPath(WRITER_URL)} is missing; build the package first (pnpm build)`,
    );
  }
  const workerData: WriterThreadData = { path, driver };
  const worker = startThread(workerData);
  worker.unref();
  const waiting = new Map<number, Waiting>();
  let lastId = 0;
  let closing = false;
  let lost: MessageStoreUnavailableError | undefined;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));

  function settle(id: number, settleOne: (request: Waiting) => void): void {
    const request = waiting.get(id);
    waiting.delete(id);
    if (request !== undefined) settleOne(request);
  }

  worker.on("message", (reply: WriterReply) => {
    switch (reply.kind) {
      case "committed": {
        const answered: { request: Waiting | undefined; results: AppendResult[] }[] = [];
        let offset = 0;
        for (const id of reply.ids) {
          const request = waiting.get(id);
          waiting.delete(id);
          const inputs = request?.inputs ?? [];
          answered.push({ request, results: decodeResults(inputs, reply.results, offset) });
          offset += inputs.length;
        }
        onCommitted(
          answered.flatMap(({ results }) => results),
          reply.seconds,
        );
        for (const { request, results } of answered) request?.resolve(reply, results);
        break;
      }
      case "trimmed":
        settle(reply.id, (request) => request.resolve(reply, []));
        break;
      case "failed": {
        const error = new Error(reply.message);
        error.name = reply.name;
        for (const id of reply.ids) settle(id, (request) => request.reject(error));
        break;
      }
    }
    if (waiting.size === 0 && !closing) worker.unref();
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

  function send(request: WriterRequest & { readonly id: number }, waiter: Waiting): void {
    waiting.set(request.id, waiter);
    worker.ref();
    worker.postMessage(request);
  }

  return {
    commit(inputs) {
      if (lost !== undefined) return Promise.reject(lost);
      return new Promise((resolve, reject) => {
        const resolveWith = (reply: WriterReply, results: readonly AppendResult[]) => {
          if (reply.kind === "committed") resolve(results);
          else reject(new Error(`an append was answered ${reply.kind}`));
        };
        const request = { kind: "append", id: ++lastId, fields: encodeInputs(inputs) } as const;
        send(request, { inputs, resolve: resolveWith, reject });
      });
    },

    trimRoom(room, policy, now, limit) {
      if (lost !== undefined) return Promise.reject(lost);
      const { maxMessages, maxAgeMs } = policy;
      const request: WriterRequest = {
        kind: "trim",
        id: ++lastId,
        room,
        policy: {
          ...(maxMessages === undefined ? {} : { maxMessages }),
          ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
        },
        nowMs: now.getTime(),
        limit,
      };
      return new Promise((resolve, reject) => {
        const resolveWith = (reply: WriterReply) => {
          if (reply.kind === "trimmed") resolve(reply.removed);
          else reject(new Error(`a trim was answered ${reply.kind}`));
        };
        send(request, { inputs: [], resolve: resolveWith, reject });
      });
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

/**
 * The thread, without the second `ExperimentalWarning` that loading `node:sqlite` prints on
 * Node 22 in each thread (README: the server prints one). A Node flag of the process's that a
 * worker rejects (`ERR_WORKER_INVALID_EXEC_ARGV`) falls back to the process's own flags.
 */
function startThread(workerData: WriterThreadData): Worker {
  try {
    return new Worker(WRITER_URL, {
      workerData,
      execArgv: [...process.execArgv, "--disable-warning=ExperimentalWarning"],
    });
  } catch {
    return new Worker(WRITER_URL, { workerData });
  }
}

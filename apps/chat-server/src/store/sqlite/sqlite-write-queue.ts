import type { AppendInput, AppendResult } from "../message-store.js";
import { decodeInputs, encodeResults, inputCount } from "./sqlite-writer-codec.js";
import type { AppendRequest, TrimRequest, WriterReply } from "./sqlite-writer-messages.js";

/** What the writer thread does with a transaction's worth of requests. */
export interface WriteWork {
  /** Stores the inputs in one transaction (see `SqliteAppends.commit`). */
  commit(inputs: readonly AppendInput[]): AppendResult[];
  /** One retention step, in a transaction of its own; how many messages it removed. */
  trim(request: TrimRequest): Promise<number>;
}

/** The writer thread's queue of requests (see {@link createWriteQueue}). */
export interface WriteQueue {
  /** Queues `request`; it is committed at the end of this turn of the thread's event loop. */
  push(request: AppendRequest | TrimRequest): void;
  /** Commits everything queued now. */
  flush(): Promise<void>;
}

/**
 * Appends committed in one transaction at most, unless one request alone holds more (the store
 * sends none that does: the histogram of batch sizes stops here).
 */
export const MAX_BATCH = 512;

/**
 * Group commit on the writer thread. A commit blocks this thread for its fsync; requests posted
 * meanwhile are delivered together once it returns, and the queue commits all of them (up to
 * {@link MAX_BATCH} appends) in the next transaction. So a batch is whatever arrived during the
 * previous commit, with no timer and no round trip to the event loop in between. Trims run in
 * order between batches, each in its own transaction. Every request is answered through `reply`.
 */
export function createWriteQueue(
  work: WriteWork,
  reply: (answer: WriterReply) => void,
): WriteQueue {
  let queued: (AppendRequest | TrimRequest)[] = [];
  let scheduled = false;
  let running: Promise<void> | undefined;

  function commitAppends(requests: readonly AppendRequest[]): void {
    const startedAt = performance.now();
    let results: AppendResult[];
    try {
      results = work.commit(requests.flatMap(({ fields }) => decodeInputs(fields)));
    } catch (error) {
      reply(
        failure(
          requests.map(({ id }) => id),
          error,
        ),
      );
      return;
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const ids = requests.map(({ id }) => id);
    reply({ kind: "committed", ids, results: encodeResults(results), seconds });
  }

  async function trim(request: TrimRequest): Promise<void> {
    try {
      reply({ kind: "trimmed", id: request.id, removed: await work.trim(request) });
    } catch (error) {
      reply(failure([request.id], error));
    }
  }

  // One loop at a time: a flush asked for while one runs is that one, which empties the queue.
  function flush(): Promise<void> {
    scheduled = false;
    running ??= drain().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function drain(): Promise<void> {
    while (queued.length > 0) {
      const first = queued[0];
      if (first?.kind === "trim") {
        queued.shift();
        await trim(first);
        continue;
      }
      const batch: AppendRequest[] = [];
      let size = 0;
      for (const request of queued) {
        const count = request.kind === "append" ? inputCount(request.fields) : 0;
        if (request.kind !== "append" || (size > 0 && size + count > MAX_BATCH)) break;
        batch.push(request);
        size += count;
      }
      queued = queued.slice(batch.length);
      commitAppends(batch);
    }
  }

  return {
    push(request) {
      queued.push(request);
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => void flush());
    },
    flush,
  };
}

function failure(ids: readonly number[], error: unknown): WriterReply {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { kind: "failed", ids, name, message };
}

import type { Cluster } from "ioredis";
import type { AppendInput, CommittedBatch } from "./message-store.js";
import { ReplicationUnconfirmedError } from "./message-store.js";
import { type AppendOutcome, decodeAppendReply } from "./redis-append-script.js";
import { appendArguments, confirmArguments } from "./redis-cluster-scripts.js";
import type { RedisKeys } from "./redis-keys.js";

/** Appends of one room sent in one pipeline, under one WAIT. */
const MAX_BATCH = 128;

/** What {@link createClusterAppender} needs. */
export interface ClusterAppenderOptions {
  readonly cluster: Cluster;
  readonly keys: RedisKeys;
  /** Replicas a batch must reach before it is answered; 0: none (no WAIT). */
  readonly minReplicas: number;
  readonly timeoutMs: number;
  /** Hears of each batch answered, for metrics. */
  readonly onCommit?: ((batch: CommittedBatch) => void) | undefined;
}

/** Runs appends on a Redis Cluster, a room's concurrent appends together. */
export interface ClusterAppender {
  /**
   * Stores `input` (or finds its original), and resolves once it and the room's
   * replicated-through mark covering it are confirmed on `minReplicas` replicas. Rejects with a
   * {@link ReplicationUnconfirmedError} if they are not within `timeoutMs`, or with the failure.
   */
  append(input: AppendInput): Promise<AppendOutcome>;
}

interface Pending {
  readonly input: AppendInput;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit per room. `WAIT` holds the connection it runs on until the replicas answer, and a
 * cluster client has one connection per master: a `WAIT` per post would let one post through per
 * replication round trip on each master. `WAIT` confirms every earlier write of its connection, so
 * the appends a room receives meanwhile go out as one pipeline `[append × k, WAIT]` (one slot, so
 * one master and one connection; the pipeline fails whole if that master goes away), then
 * `[raise the mark, WAIT]` once they are confirmed. While a batch's mark is being confirmed the
 * room's next batch is already on its way.
 */
export function createClusterAppender(options: ClusterAppenderOptions): ClusterAppender {
  const { cluster, keys, minReplicas, timeoutMs } = options;
  const waitArgs = [String(minReplicas), String(timeoutMs)];
  const queues = new Map<string, Pending[]>();

  async function flush(room: string, queue: Pending[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      const startedAt = performance.now();
      try {
        const outcomes = await storeBatch(batch);
        // Not awaited: the room's next batch goes out while this one's mark is confirmed.
        void confirmMark(room, outcomes).then(
          () => {
            options.onCommit?.({
              appends: batch.length,
              stored: outcomes.filter(
                (outcome) => !(outcome instanceof Error) && !outcome.duplicate,
              ).length,
              seconds: (performance.now() - startedAt) / 1000,
            });
            for (const [index, pending] of batch.entries()) settle(pending, outcomes[index]);
          },
          (error: unknown) => {
            for (const pending of batch) pending.reject(error);
          },
        );
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    queues.delete(room);
  }

  /** Sends `[append × k, WAIT]`; each outcome, or the error of its own append. */
  async function storeBatch(batch: readonly Pending[]): Promise<(AppendOutcome | Error)[]> {
    const pipeline = cluster.pipeline();
    for (const { input } of batch) {
      pipeline.fibchatClusterAppend(...appendArguments(keys, input, minReplicas === 0));
    }
    if (minReplicas > 0) pipeline.call("WAIT", ...waitArgs);
    const replies = (await pipeline.exec()) ?? [];
    if (minReplicas > 0) assertConfirmed(replies[batch.length]);
    return batch.map(({ input }, index) => {
      const [error, reply] = replies[index] ?? [new Error("no reply to an append"), undefined];
      if (error !== null) return error;
      try {
        return decodeAppendReply(input, reply);
      } catch (failure) {
        return failure instanceof Error ? failure : new Error(String(failure));
      }
    });
  }

  /** Raises `room`'s mark to the highest id in `outcomes` and confirms it (nothing to do at 0). */
  async function confirmMark(room: string, outcomes: readonly (AppendOutcome | Error)[]) {
    if (minReplicas === 0) return;
    let highest = 0n;
    for (const outcome of outcomes) {
      if (!(outcome instanceof Error) && outcome.message.id > highest) highest = outcome.message.id;
    }
    if (highest === 0n) return;
    const replies = await cluster
      .pipeline()
      .fibchatClusterConfirm(...confirmArguments(keys, room, highest))
      .call("WAIT", ...waitArgs)
      .exec();
    const [markError] = replies?.[0] ?? [new Error("no reply to the mark")];
    if (markError !== null) throw markError;
    assertConfirmed(replies?.[1]);
  }

  function assertConfirmed(reply: [Error | null, unknown] | undefined): void {
    const [error, acked] = reply ?? [new Error("no reply to WAIT"), 0];
    if (error !== null) throw error;
    if (typeof acked !== "number" || acked < minReplicas) {
      throw new ReplicationUnconfirmedError(minReplicas, timeoutMs);
    }
  }

  function settle(pending: Pending, outcome: AppendOutcome | Error | undefined): void {
    if (outcome === undefined) pending.reject(new Error("no outcome for an append"));
    else if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  return {
    append(input) {
      return new Promise((resolve, reject) => {
        const queued = queues.get(input.room);
        if (queued !== undefined) {
          queued.push({ input, resolve, reject });
          return;
        }
        const queue: Pending[] = [{ input, resolve, reject }];
        queues.set(input.room, queue);
        // The appends of this turn of the event loop join the batch.
        setImmediate(() => {
          void flush(input.room, queue);
        });
      });
    },
  };
}

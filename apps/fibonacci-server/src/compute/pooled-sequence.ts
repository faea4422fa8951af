import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { EncodedTerm } from "../fibonacci/encoded-term.js";
import { type BatchRequest, type BatchResult, termsOf } from "./sequence-batch.js";
import type { SequencePool } from "./sequence-pool.js";

/** How long a client refused for a full queue is told to wait. */
export const QUEUE_FULL_RETRY_MS = 1_000;

/**
 * F(start) … F(start + count − 1) computed on the pool, one batch of at most `batchBytes` encoded
 * bytes (or one number) at a time. While the consumer takes one batch, the next is computed, so
 * the thread and the event loop work at once; a paused consumer thus holds at most two batches
 * (2 × `batchBytes`) beyond what it has taken, whatever the size of the numbers. Throws
 * `RESOURCE_EXHAUSTED` with a retry hint when the pool's queue is full. `hooks` count batches
 * and refusals.
 */
export async function* pooledSequence(
  pool: SequencePool,
  start: number,
  count: number,
  batchBytes: number,
  signal: AbortSignal,
  hooks: { batch(): void; full(): void },
): AsyncGenerator<EncodedTerm, void, undefined> {
  const end = start + count;
  const request = (index: number, state?: BatchResult["state"]): BatchRequest => {
    const base = { start: index, count: end - index, maxBytes: batchBytes };
    return state ? { ...base, state } : base;
  };
  let index = start;
  let state: BatchResult["state"] | undefined;
  let running: Promise<BatchResult> | undefined;
  try {
    while (index < end) {
      // A batch asked for ahead may have found the queue full: ask again now.
      running ??= pool.tryRun(request(index, state), signal);
      if (running === undefined) {
        hooks.full();
        throw new RpcError(
          status.RESOURCE_EXHAUSTED,
          `the server's queue of deep computations is full (--compute-queue); retry in about ${QUEUE_FULL_RETRY_MS / 1000} s, ` +
            `from index ${index}`,
          { retryAfterMs: QUEUE_FULL_RETRY_MS },
        );
      }
      const batch = await running;
      running = undefined;
      hooks.batch();
      state = batch.state;
      const terms = termsOf(index, batch);
      const following = index + terms.length;
      if (following < end) running = pool.tryRun(request(following, state), signal);
      for (const term of terms) {
        yield term;
        index++;
      }
    }
  } finally {
    // A batch computed ahead for a consumer that left: its rejection (the signal's reason) is
    // expected and must not surface as an unhandled rejection.
    running?.catch(() => {});
  }
}

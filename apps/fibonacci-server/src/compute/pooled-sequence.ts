import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { SequenceState } from "./sequence-batch.js";
import type { SequencePool } from "./sequence-pool.js";

/** A term as the service sends it: index n and F(n) in decimal. */
export interface DecimalTerm {
  readonly index: number;
  readonly value: string;
}

/** How long a client refused for a full queue is told to wait. */
export const QUEUE_FULL_RETRY_MS = 1_000;

/**
 * F(start) … F(start + count − 1) computed on the pool, one batch of at most `batchDigits` digits
 * (or one number) at a time. The next batch is queued only when the consumer asks past the
 * current one, so a paused consumer holds at most one batch. Throws `RESOURCE_EXHAUSTED` with a
 * retry hint when the pool's queue is full. `hooks` count batches and refusals.
 */
export async function* pooledSequence(
  pool: SequencePool,
  start: number,
  count: number,
  batchDigits: number,
  signal: AbortSignal,
  hooks: { batch(): void; full(): void },
): AsyncGenerator<DecimalTerm, void, undefined> {
  let index = start;
  let state: SequenceState | undefined;
  while (index < start + count) {
    const request = { start: index, count: start + count - index, maxDigits: batchDigits };
    const running = pool.tryRun(state ? { ...request, state } : request, signal);
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
    hooks.batch();
    state = batch.state;
    for (const value of batch.values) yield { index: index++, value };
  }
}

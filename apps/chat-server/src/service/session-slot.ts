import { type CallContext, type PerKeyConcurrency, RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { limitedPer } from "./chat-limits.js";

/**
 * Runs the stream `open` returns while holding one of the caller's `--max-sessions-per-user`
 * slots; without a free slot the call fails with `RESOURCE_EXHAUSTED` naming the flag.
 */
export async function* holdingSessionSlot<T>(
  slots: PerKeyConcurrency | undefined,
  context: CallContext,
  open: () => AsyncIterable<T>,
): AsyncGenerator<T> {
  if (slots === undefined) {
    yield* open();
    return;
  }
  const release = slots.acquire(context.limitKey);
  if (release === undefined) {
    throw new RpcError(
      status.RESOURCE_EXHAUSTED,
      `at most ${slots.limit} open chat sessions and follow streams ${limitedPer(context)} (--max-sessions-per-user); close one first`,
    );
  }
  // The signal fires on cancel, deadline, shutdown and cut-off even while the stream is parked in
  // an await that `return()` cannot interrupt: the slot is free as soon as the call is over.
  context.signal.addEventListener("abort", release, { once: true });
  try {
    yield* open();
  } finally {
    context.signal.removeEventListener("abort", release);
    release();
  }
}

import { type CallContext, type PerKeyConcurrency, RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { limitedPer } from "./chat-limits.js";

/**
 * Takes one of the caller's `--max-sessions-per-user` slots for a stream about to start, and
 * returns the function that gives it back (calling it again does nothing); without a free slot
 * it throws `RESOURCE_EXHAUSTED` naming the flag. The slot is also given back as soon as the
 * call's signal fires (cancel, deadline, shutdown, cut-off), even while the stream is parked in
 * an await that `return()` cannot interrupt. Without a limit it takes nothing.
 */
export function takeSessionSlot(
  slots: PerKeyConcurrency | undefined,
  context: CallContext,
): () => void {
  if (slots === undefined) return () => {};
  const release = slots.acquire(context.limitKey);
  if (release === undefined) {
    throw new RpcError(
      status.RESOURCE_EXHAUSTED,
      `at most ${slots.limit} open chat sessions and follow streams ${limitedPer(context)} (--max-sessions-per-user); close one first`,
    );
  }
  context.signal.addEventListener("abort", release, { once: true });
  return () => {
    context.signal.removeEventListener("abort", release);
    release();
  };
}

/**
 * Runs the stream `open` returns while holding one of the caller's `--max-sessions-per-user`
 * slots (see {@link takeSessionSlot}). A generator of its own around the stream: a chat session,
 * which sends far more messages, takes its slot directly instead of paying for the extra layer.
 */
export async function* holdingSessionSlot<T>(
  slots: PerKeyConcurrency | undefined,
  context: CallContext,
  open: () => AsyncIterable<T>,
): AsyncGenerator<T> {
  const release = takeSessionSlot(slots, context);
  try {
    yield* open();
  } finally {
    release();
  }
}

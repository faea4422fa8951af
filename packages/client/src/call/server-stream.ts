import type { ClientReadableStream } from "@grpc/grpc-js";
import { toFibchatError } from "../fibchat-error.js";
import type { PreparedCall } from "./call-options.js";
import { readStream } from "./read-stream.js";

/**
 * Opens a server-streaming call with `open` and yields its messages in order, reading no further
 * ahead than the consumer. Ends when the server ends the call with OK; throws a `FibchatError`
 * when it fails. Leaving the loop early, or aborting the call's signal, cancels the call.
 */
export async function* serverStream<Res extends object>(
  target: string,
  call: PreparedCall,
  open: (call: PreparedCall) => ClientReadableStream<Res>,
): AsyncGenerator<Res, void, undefined> {
  const { signal } = call;
  const grpcCall = open(call);
  const cancel = () => grpcCall.cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    yield* readStream(grpcCall);
  } catch (error) {
    throw toFibchatError(error, target);
  } finally {
    signal?.removeEventListener("abort", cancel);
    // A no-op once the call has ended; otherwise the consumer stopped early and the server
    // should stop producing.
    grpcCall.cancel();
  }
}

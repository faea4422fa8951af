import { status } from "@grpc/grpc-js";
import { RpcError } from "../rpc-error.js";

/** The readable side of a grpc-js request stream, as far as {@link readRequests} needs it. */
export interface MessageSource<T> {
  on(event: "data", listener: (message: T) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "data", listener: (message: T) => void): unknown;
  off(event: "end", listener: () => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** Requests read ahead of the handler before the stream is paused (flow control to the client). */
const READ_AHEAD = 16;

/**
 * The client's request stream as an async iterable that ends when the client half-closes.
 * At most {@link READ_AHEAD} requests wait unread: past that the stream is paused, so HTTP/2 flow
 * control pushes back on a client that sends faster than the handler reads. Throws
 * `signal.reason` once the signal fires.
 */
export async function* readRequests<T>(
  call: MessageSource<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  const buffered: T[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const onData = (message: T) => {
    buffered.push(message);
    if (buffered.length >= READ_AHEAD) call.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (error: Error) => {
    failure = error;
    notify();
  };
  call.on("data", onData);
  call.on("end", onEnd);
  call.on("error", onError);
  signal.addEventListener("abort", notify);
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (failure !== undefined)
        throw new RpcError(status.INTERNAL, "reading the request stream failed", {
          cause: failure,
        });
      const next = buffered.shift();
      if (next !== undefined) {
        if (buffered.length < READ_AHEAD / 2) call.resume();
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    call.off("data", onData);
    call.off("end", onEnd);
    call.off("error", onError);
    signal.removeEventListener("abort", notify);
  }
}

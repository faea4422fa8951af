import type { ClientReadableStream } from "@grpc/grpc-js";

/**
 * At most this many received messages wait for the consumer before the call is paused; grpc-js's
 * own buffer and the HTTP/2 flow-control window hold a few more.
 */
export const READ_AHEAD = 16;

/**
 * The messages of a grpc-js readable call as an async iterable, typed, with backpressure: the
 * call is paused while {@link READ_AHEAD} messages wait, so a slow consumer slows the server down
 * instead of filling memory. Every message received before a failure is yielded before the
 * failure is thrown (grpc-js's error, untranslated).
 */
export async function* readStream<Res extends object>(
  call: ClientReadableStream<Res>,
): AsyncGenerator<Res, void, undefined> {
  const queue: Res[] = [];
  let ended = false;
  let failure: { readonly error: Error } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  call.on("data", (message) => {
    queue.push(message);
    if (queue.length >= READ_AHEAD) call.pause();
    notify();
  });
  // grpc-js ends the readable side and then emits 'error' for a non-OK status; the 'end' event
  // comes only once every buffered message is read, so waiting for it loses none.
  call.on("end", () => {
    ended = true;
    notify();
  });
  call.on("error", (error) => {
    failure = { error };
    notify();
  });
  for (;;) {
    const next = queue.shift();
    if (next !== undefined) {
      yield next;
      continue;
    }
    if (ended) break;
    call.resume();
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  if (failure !== undefined) throw failure.error;
}

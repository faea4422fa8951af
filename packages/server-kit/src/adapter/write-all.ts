/** The writable side of a grpc-js server stream, as far as {@link writeAll} needs it. */
export interface MessageSink<T> {
  /** `sent` runs once grpc-js has handed the message to HTTP/2 (it is no longer buffered). */
  write(message: T, sent?: () => void): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** A bound, in bytes, of what a stream may have written but not yet sent. */
export interface SendBufferLimit<T> {
  /** The source is not asked for another message while this many bytes or more are unsent. */
  readonly maxBytes: number;
  /** The size a message counts for: its encoded size, or a close upper bound of it. */
  sizeOf(message: T): number;
}

/**
 * Writes every value of `source` to `call`, waiting for `'drain'` whenever `write()` returns
 * false: grpc-js buffers without bound otherwise (grpc-node #1332), so this wait is what holds a
 * slow reader's server memory flat. With `limit`, it also waits while `limit.maxBytes` or more are
 * written but unsent: grpc-js counts messages, not bytes, and 16 messages of 100 KB each are
 * 1.6 MB per stream. What is produced but unsent thus stays under `maxBytes` plus one message.
 * Stops with `signal.reason` once the signal fires, and always closes the iterator so the
 * handler's `finally` blocks run.
 */
export async function writeAll<T>(
  call: MessageSink<T>,
  source: AsyncIterable<T>,
  signal: AbortSignal,
  limit?: SendBufferLimit<T>,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  // One abort listener for the whole call, failing whichever wait is current: adding and
  // removing a listener per message was measurable on streams (bench/results/NOTES.md §5).
  let interrupt: ((reason: unknown) => void) | undefined;
  const onAbort = () => interrupt?.(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const interruptible = <R>(promise: Promise<R>): Promise<R> => {
    if (signal.aborted) {
      promise.catch(() => {});
      return Promise.reject(signal.reason);
    }
    return new Promise<R>((resolve, reject) => {
      interrupt = reject;
      promise.then(resolve, reject);
    });
  };
  let unsent = 0;
  let wake: (() => void) | undefined;
  const belowLimit = () =>
    new Promise<void>((resolve) => {
      wake = () => {
        wake = undefined;
        resolve();
      };
    });
  let done = false;
  try {
    for (;;) {
      const next = await interruptible(iterator.next());
      if (next.done) {
        done = true;
        return;
      }
      if (limit === undefined) {
        if (!call.write(next.value)) await interruptible(drained(call));
        continue;
      }
      const size = limit.sizeOf(next.value);
      unsent += size;
      const flowing = call.write(next.value, () => {
        unsent -= size;
        if (unsent < limit.maxBytes) wake?.();
      });
      if (!flowing) await interruptible(drained(call));
      if (unsent >= limit.maxBytes) await interruptible(belowLimit());
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!done) closeIterator(iterator);
  }
}

function drained(call: MessageSink<unknown>): Promise<void> {
  return new Promise((resolve) => call.once("drain", () => resolve()));
}

/**
 * Asks the iterator to finish (running a generator's `finally` blocks). Not awaited: a generator
 * parked in an await that ignores the signal must not keep the call open.
 */
function closeIterator(iterator: AsyncIterator<unknown>): void {
  iterator.return?.().catch(() => {});
}

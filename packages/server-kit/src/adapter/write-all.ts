/** The writable side of a grpc-js server stream, as far as {@link writeAll} needs it. */
export interface MessageSink<T> {
  write(message: T): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/**
 * Writes every value of `source` to `call`, waiting for `'drain'` whenever `write()` returns
 * false: grpc-js buffers without bound otherwise (grpc-node #1332), so this wait is what holds a
 * slow reader's server memory flat. Stops with `signal.reason` once the signal fires, and always
 * closes the iterator so the handler's `finally` blocks run.
 */
export async function writeAll<T>(
  call: MessageSink<T>,
  source: AsyncIterable<T>,
  signal: AbortSignal,
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
  let done = false;
  try {
    for (;;) {
      const next = await interruptible(iterator.next());
      if (next.done) {
        done = true;
        return;
      }
      if (!call.write(next.value)) await interruptible(drained(call));
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

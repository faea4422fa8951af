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
export function writeAll<T>(
  call: MessageSink<T>,
  source: AsyncIterable<T>,
  signal: AbortSignal,
  limit?: SendBufferLimit<T>,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  // Callbacks rather than an async loop: one promise reaction per message (the iterator's), where
  // awaiting each `next()` behind an abortable wrapper took three; every message of every stream
  // goes through here (bench/results/NOTES.md §10). One abort listener for the whole call: adding
  // and removing one per message was measurable on streams (NOTES.md §5).
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let unsent = 0;
    /** Set while waiting for the unsent bytes to fall below the limit. */
    let wake: (() => void) | undefined;
    const finish = () => {
      settled = true;
      signal.removeEventListener("abort", onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      finish();
      closeIterator(iterator);
      reject(error);
    };
    const onAbort = () => fail(signal.reason);
    const pull = () => {
      iterator.next().then(onResult, fail);
    };
    const afterWrite = () => {
      if (settled) return;
      if (limit !== undefined && unsent >= limit.maxBytes) {
        wake = () => {
          wake = undefined;
          afterWrite();
        };
        return;
      }
      pull();
    };
    const write = (value: T): boolean => {
      if (limit === undefined) return call.write(value);
      const size = limit.sizeOf(value);
      unsent += size;
      return call.write(value, () => {
        unsent -= size;
        if (unsent < limit.maxBytes) wake?.();
      });
    };
    const onResult = (next: IteratorResult<T>) => {
      // Aborted while the source was producing: the value is dropped, as the call is over.
      if (settled) return;
      if (next.done === true) {
        finish();
        resolve();
        return;
      }
      let flowing: boolean;
      try {
        flowing = write(next.value);
      } catch (error) {
        fail(error);
        return;
      }
      if (flowing) afterWrite();
      else call.once("drain", afterWrite);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    // Asked for first even when the signal has already fired: a generator's `finally` blocks only
    // run on `return()` once its body has started.
    pull();
    if (signal.aborted) fail(signal.reason);
  });
}

/**
 * Asks the iterator to finish (running a generator's `finally` blocks). Not awaited: a generator
 * parked in an await that ignores the signal must not keep the call open.
 */
function closeIterator(iterator: AsyncIterator<unknown>): void {
  iterator.return?.().catch(() => {});
}

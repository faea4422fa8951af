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
 * `signal.reason` once the signal fires. Iterate it once; `return()` (leaving a `for await`)
 * stops listening to the call.
 *
 * Written out rather than as an async generator: a request that has arrived is handed over in
 * one resolved promise, and one the reader waits for resolves its `next()` directly, where the
 * generator took three more promise reactions a request (bench/results/NOTES.md §10).
 */
export function readRequests<T>(
  call: MessageSource<T>,
  signal: AbortSignal,
): AsyncIterableIterator<T> {
  const buffered: T[] = [];
  let ended = false;
  let failure: unknown;
  let detached = false;
  let waiting:
    | { resolve(result: IteratorResult<T>): void; reject(error: unknown): void }
    | undefined;

  function detach(): void {
    if (detached) return;
    detached = true;
    call.off("data", onData);
    call.off("end", onEnd);
    call.off("error", onError);
    signal.removeEventListener("abort", notify);
  }

  /** The next result if there is one now, undefined to wait; throws to fail the reader. */
  function step(): IteratorResult<T> | undefined {
    if (signal.aborted) {
      detach();
      throw signal.reason;
    }
    if (failure !== undefined) {
      detach();
      throw new RpcError(status.INTERNAL, "reading the request stream failed", {
        cause: failure,
      });
    }
    const next = buffered.shift();
    if (next !== undefined) {
      if (buffered.length < READ_AHEAD / 2) call.resume();
      return { done: false, value: next };
    }
    if (ended) {
      detach();
      return { done: true, value: undefined };
    }
    return undefined;
  }

  function notify(): void {
    const reader = waiting;
    if (reader === undefined) return;
    let result: IteratorResult<T> | undefined;
    try {
      result = step();
    } catch (error) {
      waiting = undefined;
      reader.reject(error);
      return;
    }
    if (result === undefined) return;
    waiting = undefined;
    reader.resolve(result);
  }

  function onData(message: T): void {
    buffered.push(message);
    if (buffered.length >= READ_AHEAD) call.pause();
    notify();
  }
  function onEnd(): void {
    ended = true;
    notify();
  }
  function onError(error: Error): void {
    failure = error;
    notify();
  }

  call.on("data", onData);
  call.on("end", onEnd);
  call.on("error", onError);
  signal.addEventListener("abort", notify);

  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    next() {
      if (detached) return Promise.resolve({ done: true, value: undefined });
      if (waiting !== undefined) {
        return Promise.reject(new Error("readRequests: next() called while another is pending"));
      }
      try {
        const result = step();
        if (result !== undefined) return Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return() {
      detach();
      const reader = waiting;
      waiting = undefined;
      reader?.resolve({ done: true, value: undefined });
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return iterator;
}

import { AsyncResource } from "node:async_hooks";
import { type handleBidiStreamingCall, type ServerDuplexStream, status } from "@grpc/grpc-js";
import { RpcError } from "../rpc-error.js";
import type { CallContext } from "./call-context.js";
import { type AdapterRuntime, openCallScope } from "./call-scope.js";
import { endWithStatus } from "./end-with-status.js";
import { settleError } from "./settle-error.js";

/** One bidirectional call, as a handler driven by callbacks ({@link duplexSession}) sees it. */
export interface DuplexCall<Res> {
  readonly context: CallContext;
  /**
   * Writes a response. False once grpc-js holds more than its high-water mark of unsent
   * messages: write no more until {@link onceDrained}'s listener runs, or grpc-js buffers without
   * bound (grpc-node #1332). Does nothing once the call has ended.
   */
  write(response: Res): boolean;
  /** Runs `listener` once, when grpc-js has sent what it held (its `'drain'`). */
  onceDrained(listener: () => void): void;
  /** Stops reading requests: HTTP/2 flow control then pushes back on the client. */
  pauseRequests(): void;
  resumeRequests(): void;
  /** Ends the call OK, after every response written. Does nothing once the call has ended. */
  end(): void;
  /**
   * Ends the call with the status `error` maps to (as a thrown error of any adapter). Does
   * nothing once the call has ended.
   */
  fail(error: unknown): void;
}

/** What a {@link DuplexSessionHandler} does with its call's requests and its end. */
export interface DuplexHandlers<Req> {
  /** A request arrived. Throwing fails the call with the error's status. */
  request(request: Req): void;
  /** The client half-closed: no request follows. Throwing fails the call. */
  halfClosed(): void;
  /**
   * The call is over: it ended or failed, the client cancelled, the deadline passed, or the server
   * is shutting down. Release what the call holds. Runs exactly once, after which the call's
   * methods do nothing.
   */
  closed(): void;
}

/**
 * A bidirectional-streaming method driven by callbacks: it is handed the call and answers with
 * what to do on each request. Throwing ends the call with the error's status.
 */
export type DuplexSessionHandler<Req, Res> = (call: DuplexCall<Res>) => DuplexHandlers<Req>;

/**
 * Adapts a callback-driven bidirectional handler to grpc-js. Where {@link bidiStreaming} hands
 * the handler an async iterable of requests and pumps the async iterable it returns, this one
 * costs no promise per message: a chat session, which reads a post and writes an ack and a
 * delivery per message, spent about a dozen promise reactions a post in those layers
 * (bench/results/NOTES.md §14). The handler keeps the backpressure rules itself: stop writing
 * when `write` returns false, and pause reading when it cannot keep up.
 *
 * Cancellation, the deadline and server shutdown fail the call with their status, and
 * `closed` runs once the call is over in any way.
 */
export function duplexSession<Req, Res>(
  handler: DuplexSessionHandler<Req, Res>,
  runtime: AdapterRuntime,
): handleBidiStreamingCall<Req, Res> {
  return (call) => {
    if (runtime.tracing === undefined) {
      runSession(call, handler, runtime, unbound);
      return;
    }
    // The call's events come from grpc-js, outside the call's span: the listeners are bound to
    // the span's context, so that what a request starts (a store's span) is the call's child.
    runtime.tracing.inCallSpan(call.metadata, () =>
      runSession(call, handler, runtime, (listener) => AsyncResource.bind(listener)),
    );
  };
}

function runSession<Req, Res>(
  call: ServerDuplexStream<Req, Res>,
  handler: DuplexSessionHandler<Req, Res>,
  runtime: AdapterRuntime,
  bind: <Args extends unknown[]>(listener: (...args: Args) => void) => (...args: Args) => void,
): void {
  const scope = openCallScope(call, runtime, { streaming: true });
  const { signal } = scope;
  let over = false;
  let handlers: DuplexHandlers<Req> | undefined;

  const close = () => {
    over = true;
    signal.removeEventListener("abort", onAbort);
    call.off("data", onData);
    call.off("end", onHalfClose);
    call.off("error", onReadError);
    scope.finish();
    try {
      handlers?.closed();
    } catch (error) {
      runtime.log.error({ err: error, method: scope.method }, "closing a session failed");
    }
  };
  const duplex: DuplexCall<Res> = {
    context: scope,
    write: (response) => !over && call.write(response),
    onceDrained: (listener) => {
      call.once("drain", bind(listener));
    },
    pauseRequests: () => {
      call.pause();
    },
    resumeRequests: () => {
      call.resume();
    },
    end() {
      if (over) return;
      close();
      call.end();
    },
    fail(error) {
      if (over) return;
      // The status is taken before `close` releases the scope: a failure after the signal fired
      // is reported as the signal's reason.
      const failure = settleError(error, scope);
      close();
      endWithStatus(call, failure);
    },
  };
  const onAbort = () => duplex.fail(signal.reason);
  const onData = bind((request: Req) => {
    if (over || handlers === undefined) return;
    try {
      handlers.request(request);
    } catch (error) {
      duplex.fail(error);
    }
  });
  // grpc-js may surface a cancel as 'end' (grpc-node #2583): the scope turns that into an abort
  // first, and this then does nothing.
  const onHalfClose = bind(() => {
    if (over || handlers === undefined) return;
    try {
      handlers.halfClosed();
    } catch (error) {
      duplex.fail(error);
    }
  });
  const onReadError = (error: Error) =>
    duplex.fail(
      new RpcError(status.INTERNAL, "reading the request stream failed", { cause: error }),
    );

  signal.addEventListener("abort", onAbort, { once: true });
  try {
    handlers = handler(duplex);
  } catch (error) {
    duplex.fail(error);
    return;
  }
  if (over) return;
  if (signal.aborted) {
    onAbort();
    return;
  }
  call.on("data", onData);
  call.on("end", onHalfClose);
  call.on("error", onReadError);
}

function unbound<Args extends unknown[]>(
  listener: (...args: Args) => void,
): (...args: Args) => void {
  return listener;
}

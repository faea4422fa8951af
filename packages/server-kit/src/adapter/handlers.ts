import type {
  handleBidiStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  ServerDuplexStream,
  ServerWritableStream,
} from "@grpc/grpc-js";
import type { CallContext } from "./call-context.js";
import { type AdapterRuntime, type CallScope, openCallScope } from "./call-scope.js";
import { endWithStatus } from "./end-with-status.js";
import { readRequests } from "./read-requests.js";
import { settleError } from "./settle-error.js";
import { type SendBufferLimit, writeAll } from "./write-all.js";

/** A unary method written as an `async` function. */
export type UnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res>;

/** A server-streaming method written as an `async function*` (or any async iterable). */
export type ServerStreamingHandler<Req, Res> = (
  request: Req,
  context: CallContext,
) => AsyncIterable<Res>;

/** A bidirectional-streaming method: reads the request stream, yields responses. */
export type BidiStreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  context: CallContext,
) => AsyncIterable<Res>;

/**
 * Adapts an `async` unary handler to grpc-js. The callback is called exactly once; a rejection
 * becomes the call's status (never an unhandledRejection, which would kill the process).
 */
export function unary<Req, Res>(
  handler: UnaryHandler<Req, Res>,
  runtime: AdapterRuntime,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const scope = openCallScope(call, runtime, { streaming: false });
    // `async` wrapper: a handler that throws synchronously rejects instead.
    const run = async () => handler(call.request, scope);
    (runtime.tracing ? runtime.tracing.inCallSpan(call.metadata, run) : run()).then(
      (response) => {
        scope.finish();
        callback(null, response);
      },
      (error: unknown) => {
        scope.finish();
        callback(settleError(error, scope));
      },
    );
  };
}

/** Options of {@link serverStreaming}. */
export interface ServerStreamingOptions<Res> {
  /**
   * Also pause the handler while this many bytes of its messages are written but not yet sent,
   * on top of grpc-js's 16-message backpressure: for streams of large messages.
   */
  readonly sendBuffer?: SendBufferLimit<Res>;
}

/**
 * Adapts a server-streaming handler to grpc-js: writes with backpressure, ends the call OK when
 * the iterable is done, or with the mapped status when it throws or the call is aborted.
 */
export function serverStreaming<Req, Res>(
  handler: ServerStreamingHandler<Req, Res>,
  runtime: AdapterRuntime,
  { sendBuffer }: ServerStreamingOptions<Res> = {},
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const scope = openCallScope(call, runtime, { streaming: true });
    const run = async () => writeAll(call, handler(call.request, scope), scope.signal, sendBuffer);
    finishStream(
      call,
      runtime.tracing ? runtime.tracing.inCallSpan(call.metadata, run) : run(),
      scope,
    );
  };
}

/**
 * Adapts a bidirectional-streaming handler to grpc-js. The handler sees the requests as an async
 * iterable that ends when the client half-closes; the call ends OK once the handler's response
 * iterable is done.
 */
export function bidiStreaming<Req, Res>(
  handler: BidiStreamingHandler<Req, Res>,
  runtime: AdapterRuntime,
): handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const scope = openCallScope(call, runtime, { streaming: true });
    const { signal } = scope;
    const run = async () => writeAll(call, handler(readRequests(call, signal), scope), signal);
    finishStream(
      call,
      runtime.tracing ? runtime.tracing.inCallSpan(call.metadata, run) : run(),
      scope,
    );
  };
}

function finishStream<Req, Res>(
  call: ServerWritableStream<Req, Res> | ServerDuplexStream<Req, Res>,
  done: Promise<void>,
  scope: CallScope,
): void {
  done.then(
    () => {
      scope.finish();
      call.end();
    },
    (error: unknown) => {
      const failure = settleError(error, scope);
      scope.finish();
      endWithStatus(call, failure);
    },
  );
}

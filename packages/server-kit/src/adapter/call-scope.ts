import type { EventEmitter } from "node:events";
import { type Deadline, type Metadata, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { RpcError } from "../rpc-error.js";
import type { CallContext } from "./call-context.js";

/** What the adapter needs from its server: a logger and a signal that fires when shutdown begins. */
export interface AdapterRuntime {
  readonly log: Logger;
  /** Aborted when the server starts shutting down; streaming calls then end with `UNAVAILABLE`. */
  readonly shutdownSignal: AbortSignal;
}

/** The parts of every grpc-js server call object that the adapter uses. */
export interface ServerCallLike extends EventEmitter {
  readonly metadata: Metadata;
  readonly cancelled: boolean;
  getPeer(): string;
  getPath(): string;
  getDeadline(): Deadline;
}

/** The per-call state the adapter keeps: the handler's context and a way to release it. */
export interface CallScope {
  readonly context: CallContext;
  /** Stops listening for cancellation, deadline and shutdown; call once the call has settled. */
  finish(): void;
}

/** The message of the `UNAVAILABLE` status that ends streams when the server shuts down. */
export const SHUTTING_DOWN_MESSAGE = "server shutting down; reconnect and resume where you stopped";

/**
 * Opens the scope of one call: an `AbortSignal` that fires on client cancel, on the deadline,
 * and (for `streaming` calls only: in-flight unary calls are left to finish) on server shutdown.
 */
export function openCallScope(
  call: ServerCallLike,
  runtime: AdapterRuntime,
  { streaming }: { streaming: boolean },
): CallScope {
  const controller = new AbortController();
  const method = call.getPath();
  const deadline = call.getDeadline();
  let finished = false;
  const abort = (reason: RpcError) => {
    if (!finished && !controller.signal.aborted) controller.abort(reason);
  };

  // grpc-js ≥ 1.10 also emits 'cancelled' after a call that succeeded (grpc-node #2771): the
  // `finished` flag turns that late event into a no-op.
  const onCancelled = () => abort(new RpcError(status.CANCELLED, "the client cancelled the call"));
  // A client cancel can surface as 'end' rather than 'cancelled' (grpc-node #2583); on a request
  // stream 'end' is also an ordinary half-close, so only a call grpc-js marks cancelled counts.
  const onEnd = () => {
    if (call.cancelled) onCancelled();
  };
  const onShutdown = () => abort(new RpcError(status.UNAVAILABLE, SHUTTING_DOWN_MESSAGE));
  call.on("cancelled", onCancelled);
  call.on("end", onEnd);
  if (streaming) {
    if (runtime.shutdownSignal.aborted) onShutdown();
    else runtime.shutdownSignal.addEventListener("abort", onShutdown, { once: true });
  }
  const timer = deadlineTimer(deadline, () =>
    abort(new RpcError(status.DEADLINE_EXCEEDED, "the call's deadline passed")),
  );

  // Built on first use: a pino child logger per call is measurable on the unary hot path
  // (pnpm bench), and most calls never log.
  let log: Logger | undefined;
  return {
    context: {
      method,
      get peer() {
        return call.getPeer();
      },
      metadata: call.metadata,
      deadline,
      signal: controller.signal,
      get log() {
        log ??= runtime.log.child({ method, peer: call.getPeer() });
        return log;
      },
      end: abort,
    },
    finish() {
      finished = true;
      if (timer) clearTimeout(timer);
      call.off("cancelled", onCancelled);
      call.off("end", onEnd);
      runtime.shutdownSignal.removeEventListener("abort", onShutdown);
    },
  };
}

function deadlineTimer(deadline: Deadline, onExpired: () => void): NodeJS.Timeout | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return undefined;
  const timer = setTimeout(onExpired, Math.max(0, at - Date.now()));
  timer.unref();
  return timer;
}

import type { EventEmitter } from "node:events";
import { type Deadline, type Metadata, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { limitKey, type Principal, principalOf } from "../auth/principal.js";
import { RpcError } from "../rpc-error.js";
import type { CallContext } from "./call-context.js";

/** What the adapter needs from its server: a logger and a signal that fires when shutdown begins. */
export interface AdapterRuntime {
  readonly log: Logger;
  /** Aborted when the server starts shutting down; streaming calls then end with `UNAVAILABLE`. */
  readonly shutdownSignal: AbortSignal;
  /**
   * The server authenticates callers: a call that reaches a handler with no principal attached
   * fails (`INTERNAL`) instead of running as anonymous, which may do everything.
   */
  readonly authenticates?: boolean;
  /**
   * Set when calls have OpenTelemetry spans: handlers then run with their call's span active, so
   * that the spans they start are its children.
   */
  readonly tracing?: CallTracing | undefined;
}

/** How the adapter runs a handler inside its call's span (`tracing-interceptor.ts`). */
export interface CallTracing {
  inCallSpan<T>(metadata: Metadata, run: () => T): T;
}

/** The parts of every grpc-js server call object that the adapter uses. */
export interface ServerCallLike extends EventEmitter {
  readonly metadata: Metadata;
  readonly cancelled: boolean;
  getPeer(): string;
  getPath(): string;
  getDeadline(): Deadline;
}

/** The per-call state the adapter keeps: the handler's context, and a way to release it. */
export interface CallScope extends CallContext {
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
  return new ScopedCall(call, runtime, streaming);
}

/**
 * A class, not an object literal, because this runs on every call: its getters live once on the
 * prototype, and the abort controller, the child logger and the peer are only built when a
 * handler reads them (most unary handlers never do). Together with skipping the access-log
 * interceptor below info level this took unary GetSequence from 0.86× to 0.97× of bare grpc-js
 * (bench/results/NOTES.md §4).
 */
class ScopedCall implements CallScope {
  readonly method: string;
  readonly deadline: Deadline;
  readonly #call: ServerCallLike;
  readonly #runtime: AdapterRuntime;
  readonly #timer: NodeJS.Timeout | undefined;
  #controller: AbortController | undefined;
  #reason: RpcError | undefined;
  #finished = false;
  #log: Logger | undefined;

  // grpc-js ≥ 1.10 also emits 'cancelled' after a call that succeeded (grpc-node #2771): `end`
  // ignores it once the call has finished.
  readonly #onCancelled = () =>
    this.end(new RpcError(status.CANCELLED, "the client cancelled the call"));
  // A client cancel can surface as 'end' rather than 'cancelled' (grpc-node #2583); on a request
  // stream 'end' is also an ordinary half-close, so only a call grpc-js marks cancelled counts.
  readonly #onEnd = () => {
    if (this.#call.cancelled) this.#onCancelled();
  };
  readonly #onShutdown = () => this.end(new RpcError(status.UNAVAILABLE, SHUTTING_DOWN_MESSAGE));

  constructor(call: ServerCallLike, runtime: AdapterRuntime, streaming: boolean) {
    this.#call = call;
    this.#runtime = runtime;
    this.method = call.getPath();
    this.deadline = call.getDeadline();
    call.on("cancelled", this.#onCancelled);
    call.on("end", this.#onEnd);
    if (streaming) {
      if (runtime.shutdownSignal.aborted) this.#onShutdown();
      else runtime.shutdownSignal.addEventListener("abort", this.#onShutdown, { once: true });
    }
    this.#timer = deadlineTimer(this.deadline, () =>
      this.end(new RpcError(status.DEADLINE_EXCEEDED, "the call's deadline passed")),
    );
  }

  get peer(): string {
    return this.#call.getPeer();
  }

  get principal(): Principal {
    const principal = principalOf(this.#call.metadata, this.#runtime.authenticates === true);
    if (principal === undefined) {
      throw new Error(
        `${this.method}: an authenticated call reached its handler without a principal`,
      );
    }
    return principal;
  }

  get limitKey(): string {
    return limitKey(this.principal, this.peer);
  }

  get metadata(): Metadata {
    return this.#call.metadata;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get log(): Logger {
    this.#log ??= this.#runtime.log.child({ method: this.method, peer: this.peer });
    return this.#log;
  }

  end(reason: RpcError): void {
    if (this.#finished || this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  finish(): void {
    this.#finished = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#call.off("cancelled", this.#onCancelled);
    this.#call.off("end", this.#onEnd);
    this.#runtime.shutdownSignal.removeEventListener("abort", this.#onShutdown);
  }
}

function deadlineTimer(deadline: Deadline, onExpired: () => void): NodeJS.Timeout | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return undefined;
  const timer = setTimeout(onExpired, Math.max(0, at - Date.now()));
  timer.unref();
  return timer;
}

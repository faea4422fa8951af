import type { Deadline, Metadata } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Principal } from "../auth/principal.js";
import type { RpcError } from "../rpc-error.js";

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** Full method path, e.g. `/fibonacci.v1.FibonacciService/GetSequence`. */
  readonly method: string;
  /** The client's address as grpc-js reports it. */
  readonly peer: string;
  /**
   * Who is calling, as the server's authentication mode established it (`anonymous` when the
   * server identifies no one). Handlers check scopes and bind identities with it.
   */
  readonly principal: Principal;
  /** The key per-user limits count this caller under: its subject, else its IP address. */
  readonly limitKey: string;
  /** Request metadata (headers). */
  readonly metadata: Metadata;
  /** The client's deadline, or `Infinity`. */
  readonly deadline: Deadline;
  /**
   * Aborted when the call is over for the handler: the client cancelled, the deadline passed, or
   * (for streaming calls) the server is shutting down. `signal.reason` is an `RpcError` saying which.
   * Handlers pass it to every await that can take long, and stop work when it fires.
   */
  readonly signal: AbortSignal;
  /** A logger bound to this call's method and peer. */
  readonly log: Logger;
  /**
   * Ends the call with `error`'s status now, even while the adapter is waiting for a slow client
   * to read: aborts `signal` with it. For cutting off a reader that fell too far behind.
   */
  end(error: RpcError): void;
}

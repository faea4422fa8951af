import { type CallOptions as GrpcCallOptions, Metadata } from "@grpc/grpc-js";
import { FibchatError } from "../fibchat-error.js";

/** Options of one call. */
export interface CallOptions {
  /** Aborting it cancels the call; the call then rejects with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /** A gRPC deadline this many milliseconds from the start of the call (`DEADLINE_EXCEEDED`). */
  readonly timeoutMs?: number;
  /** Sent with the call, after the client's own (the bearer token). */
  readonly metadata?: Metadata;
}

/** What a call is made with, from the client's defaults and the call's own options. */
export interface PreparedCall {
  readonly metadata: Metadata;
  readonly options: Partial<GrpcCallOptions>;
  readonly signal: AbortSignal | undefined;
}

/**
 * Merges a client's defaults (`token`, `timeoutMs`) with one call's options. Throws
 * `CANCELLED` when the call's signal has already aborted: nothing is sent.
 */
export function prepareCall(
  target: string,
  defaults: { readonly token?: string | undefined; readonly timeoutMs?: number | undefined },
  call: CallOptions = {},
  { deadline = true }: { readonly deadline?: boolean } = {},
): PreparedCall {
  if (call.signal?.aborted) {
    throw new FibchatError("CANCELLED", "the call was cancelled before it started", target);
  }
  const metadata = new Metadata();
  // Per-call metadata rather than call credentials: grpc-js refuses call credentials on a
  // plaintext channel, and a token on localhost without TLS is a supported setup.
  if (defaults.token !== undefined) metadata.set("authorization", `Bearer ${defaults.token}`);
  if (call.metadata !== undefined) metadata.merge(call.metadata);
  const timeoutMs = call.timeoutMs ?? (deadline ? defaults.timeoutMs : undefined);
  return {
    metadata,
    options: timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs },
    signal: call.signal,
  };
}

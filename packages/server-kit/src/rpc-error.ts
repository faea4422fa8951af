import { Metadata, status } from "@grpc/grpc-js";

/**
 * The trailer that tells a client how long to wait before trying again, in milliseconds. gRPC's
 * own retry policy reads it (gRFC A6, "pushback"), so a client configured to retry
 * `RESOURCE_EXHAUSTED` waits this long on its own; any other client can read it from the trailers.
 */
export const RETRY_PUSHBACK_TRAILER = "grpc-retry-pushback-ms";

/**
 * The one error a handler throws for an expected failure. Its code and message go to the client
 * as the call's status; its `cause` is for the server's log and never leaves the process.
 * Anything else a handler throws becomes `INTERNAL` with a generic message.
 */
export class RpcError extends Error {
  /** The gRPC status code sent to the client. */
  readonly code: status;
  /** How long the client should wait before retrying, sent as {@link RETRY_PUSHBACK_TRAILER}. */
  readonly retryAfterMs: number | undefined;
  /** Trailers sent with the status, so programs can act on a failure without parsing its text. */
  readonly trailers: Readonly<Record<string, string>>;

  constructor(
    code: status,
    message: string,
    options?: {
      cause?: unknown;
      retryAfterMs?: number;
      trailers?: Readonly<Record<string, string>>;
    },
  ) {
    super(message, options);
    this.name = "RpcError";
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
    this.trailers = options?.trailers ?? {};
  }
}

/** What the client is told about a failure: a status code and a message fit to show it. */
export interface PublicStatus {
  readonly code: status;
  readonly details: string;
  /** Trailers sent with the status (the retry hint, an error's own), when there are any. */
  readonly metadata?: Metadata;
}

/** The message clients see for every failure that is not an {@link RpcError}. */
export const INTERNAL_ERROR_MESSAGE = "internal server error; the server log has the details";

/**
 * Maps any thrown value to the status sent on the wire: an {@link RpcError} keeps its code and
 * message; everything else is `INTERNAL` with {@link INTERNAL_ERROR_MESSAGE}, so no stack trace
 * or internal text reaches a client.
 */
export function toPublicStatus(error: unknown): PublicStatus {
  if (error instanceof RpcError) {
    const { code, message: details, retryAfterMs, trailers } = error;
    const entries = Object.entries(trailers);
    if (retryAfterMs === undefined && entries.length === 0) return { code, details };
    const metadata = new Metadata();
    for (const [key, value] of entries) metadata.set(key, value);
    if (retryAfterMs !== undefined) {
      metadata.set(RETRY_PUSHBACK_TRAILER, String(Math.max(0, Math.ceil(retryAfterMs))));
    }
    return { code, details, metadata };
  }
  return { code: status.INTERNAL, details: INTERNAL_ERROR_MESSAGE };
}

/** Whether a failure is the server's fault (logged at error level) rather than the caller's. */
export function isServerFault(code: status): boolean {
  return code === status.INTERNAL || code === status.UNKNOWN || code === status.DATA_LOSS;
}

import { type ServiceError, status } from "@grpc/grpc-js";

const REFUSED = "(connection refused)";

/** The trailer in which the chat server names the oldest message a room still keeps. */
const OLDEST_ID_TRAILER = "fibchat-oldest-id";

/** A gRPC status by name, as `status` in `@grpc/grpc-js` spells it (`UNAVAILABLE`). */
export type StatusName = keyof typeof status;

/**
 * The one error every client call rejects or throws with. `code` is the gRPC status by name,
 * `details` the server's message on one line, `target` the address dialled; the underlying
 * grpc-js error, if any, is the `cause`. A server that refused the connection reads
 * `server not reachable at TARGET (connection refused)`.
 */
export class FibchatError extends Error {
  override readonly name: string = "FibchatError";

  constructor(
    /** The gRPC status by name. */
    readonly code: StatusName,
    /** What went wrong, on one line. */
    readonly details: string,
    /** The gRPC target of the call. */
    readonly target: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${code}: ${details}`, options);
  }

  /** The numeric gRPC status, for code that compares with `status` from grpc-js. */
  get status(): number {
    return status[this.code];
  }
}

/** Turns whatever a call failed with into a {@link FibchatError}. */
export function toFibchatError(error: unknown, target: string): FibchatError {
  if (error instanceof FibchatError) return error;
  if (isServiceError(error)) {
    const code = statusName(error.code);
    if (error.code === status.UNAVAILABLE && /ECONNREFUSED/.test(error.details)) {
      return new FibchatError(code, `server not reachable at ${target} ${REFUSED}`, target, {
        cause: error,
      });
    }
    const oldestId = error.metadata?.get(OLDEST_ID_TRAILER)[0];
    if (code === "OUT_OF_RANGE" && typeof oldestId === "string" && /^[0-9]+$/.test(oldestId)) {
      return new MessagesRemovedError(oneLine(error.details), BigInt(oldestId), target, {
        cause: error,
      });
    }
    return new FibchatError(code, oneLine(error.details), target, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new FibchatError("UNKNOWN", reason, target, { cause: error });
}

/** True when nothing listened at the target: the server is not running (or not there). */
export function isConnectionRefused(error: FibchatError): boolean {
  return error.code === "UNAVAILABLE" && error.details.endsWith(REFUSED);
}

/** True for the errors grpc-js hands to callbacks and emits on streams: an `Error` with a status. */
export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error &&
    typeof error.details === "string"
  );
}

function statusName(code: number): StatusName {
  // A numeric TypeScript enum maps each number back to its name.
  const name: string | undefined = status[code];
  return name !== undefined && isStatusName(name) ? name : "UNKNOWN";
}

function isStatusName(name: string): name is StatusName {
  return Number.isNaN(Number(name)) && name in status;
}

// grpc-js's connection errors embed OpenSSL's multi-line text and end in an empty
// "Resolution note: ".
function oneLine(details: string): string {
  const line = details
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.? Resolution note:\s*$/, "")
    .trim();
  return line === "" ? "(no message)" : line;
}

/**
 * A post the chat server refused (`rejected { reason }` in chat.proto): the session goes on. A
 * {@link FibchatError} whose code says why — `INVALID_ARGUMENT` (a rule), `PERMISSION_DENIED`
 * (no chat.write scope), `RESOURCE_EXHAUSTED` (over the rate) — so one `instanceof FibchatError`
 * catches every failure, and this class tells a refused post from a failed session.
 */
export class PostRejectedError extends FibchatError {
  override readonly name = "PostRejectedError";

  constructor(
    /** The server's reason, which names the rule and the fix. */
    readonly reason: string,
    /** The `client_message_id` the post was sent under. */
    readonly clientMessageId: string,
    target: string,
    /**
     * Set when the post was refused only for the sender's rate (code `RESOURCE_EXHAUSTED`): the
     * same post is taken after this many milliseconds. Sessions resend such posts themselves
     * unless `retryRateLimited: false`.
     */
    readonly retryAfterMs?: number,
    /** The refusal's status code as the server sent it (`MessageRejected.code`), if it did. */
    code?: number,
  ) {
    const fallback = retryAfterMs === undefined ? "INVALID_ARGUMENT" : "RESOURCE_EXHAUSTED";
    super(code === undefined ? fallback : statusName(code), reason, target);
  }
}

/**
 * A read or replay asked for messages that the chat server's retention (`--retain-messages`,
 * `--retain-for`) has removed: code `OUT_OF_RANGE`, never a silent gap. Read again after
 * `oldestId - 1n` to go on from the oldest message kept, or from 0 for every message kept.
 */
export class MessagesRemovedError extends FibchatError {
  override readonly name = "MessagesRemovedError";

  constructor(
    details: string,
    /** The oldest message the room still keeps (its next id, if retention emptied it). */
    readonly oldestId: bigint,
    target: string,
    options?: { readonly cause?: unknown },
  ) {
    super("OUT_OF_RANGE", details, target, options);
  }
}

import { status } from "@grpc/grpc-js";
import { CliError, isConnectionRefused, isServiceError } from "./errors.js";

/** How often, and how patiently, a long-lived call is opened again after it drops. */
export interface ReconnectPolicy {
  /** Attempts in a row without progress in between before giving up. */
  readonly attempts: number;
  /** Wait before the first attempt; doubled before each further one. */
  readonly firstDelayMs: number;
}

const RESUMABLE: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED]);

/** The default {@link ReconnectPolicy}: 5 attempts over about 8 seconds. */
const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { attempts: 5, firstDelayMs: 250 };

/**
 * Decides whether a failed long-lived chat call (a session, a follow stream) is worth opening
 * again. Two statuses are: UNAVAILABLE, which the servers end streams with when they shut down
 * ("reconnect and resume where you stopped") and grpc-js reports a dropped connection with; and
 * RESOURCE_EXHAUSTED, which chat.proto gives a reader that fell behind, to resume from the last
 * id. A refused connection counts only once the server has been reached, so a server that is
 * not running is reported at once rather than after every attempt.
 */
export interface Reconnector {
  /** Call when the call made progress (an answer, a message): the server was reached. */
  progressed(): void;
  /**
   * Whether to open the call again after `error`; when so, waits the backoff first and resolves
   * `true`, unless `signal` aborts meanwhile. Tells `onRetry` before waiting.
   */
  retry(error: unknown): Promise<boolean>;
}

/** Creates a {@link Reconnector}. */
export function createReconnector(options: {
  readonly policy?: ReconnectPolicy;
  readonly signal: AbortSignal;
  readonly onRetry: (attempt: number, of: number, reason: string) => void;
}): Reconnector {
  const policy = options.policy ?? DEFAULT_RECONNECT_POLICY;
  let reached = false;
  let failedInARow = 0;
  return {
    progressed() {
      reached = true;
      failedInARow = 0;
    },
    async retry(error) {
      const cause = error instanceof CliError ? error.cause : error;
      if (!isServiceError(cause) || !RESUMABLE.has(cause.code)) return false;
      if (!isConnectionRefused(cause)) reached = true;
      if (!reached || failedInARow >= policy.attempts || options.signal.aborted) return false;
      failedInARow += 1;
      const reason = error instanceof Error ? error.message : String(error);
      options.onRetry(failedInARow, policy.attempts, reason);
      return delay(policy.firstDelayMs * 2 ** (failedInARow - 1), options.signal);
    },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve(true);
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", stop, { once: true });
  });
}

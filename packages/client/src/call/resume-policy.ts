import { FibchatError, isConnectionRefused, type StatusName } from "../fibchat-error.js";

/** How a broken stream or session is opened again: how often in a row, and how patiently. */
export interface ResumePolicy {
  /** Attempts in a row, without progress (a message, an answer) in between, before giving up. */
  readonly attempts: number;
  /** The wait before the first attempt; doubled before each further one. */
  readonly firstDelayMs: number;
}

/** 5 attempts over about 8 seconds: long enough for a server restart behind a load balancer. */
export const DEFAULT_RESUME_POLICY: ResumePolicy = { attempts: 5, firstDelayMs: 250 };

/** A stream or session about to be opened again. */
export interface ReconnectEvent {
  /** 1 for the first attempt since the last progress, 2 for the next… */
  readonly attempt: number;
  /** The attempts allowed in a row. */
  readonly of: number;
  /** Why the previous call ended. */
  readonly error: FibchatError;
}

/** Decides, for one long-lived stream or session, whether a failed call is opened again. */
export interface Reconnector {
  /** Call on progress (a message, an answer): the attempts start again from the first. */
  progressed(): void;
  /**
   * Whether to open the call again after `error`; when so, tells `onReconnect`, waits the
   * backoff and resolves `true`, or `false` if the signal aborts meanwhile.
   */
  retry(error: unknown): Promise<boolean>;
}

/**
 * Creates a {@link Reconnector}. A failure is retried when its status is one of `codes`, the
 * attempts in a row are not used up, and the server was reached at some point: a refused
 * connection to a server never reached (one that is not running) is reported at once, not after
 * every attempt. Any failure other than a refusal proves the server was there.
 */
export function createReconnector(options: {
  readonly resume: boolean | ResumePolicy;
  readonly codes: ReadonlySet<StatusName>;
  readonly signal?: AbortSignal | undefined;
  readonly onReconnect?: ((event: ReconnectEvent) => void) | undefined;
}): Reconnector {
  const policy = options.resume === true ? DEFAULT_RESUME_POLICY : options.resume;
  let reached = false;
  let failedInARow = 0;
  return {
    progressed() {
      reached = true;
      failedInARow = 0;
    },
    async retry(error) {
      if (policy === false || !(error instanceof FibchatError) || !options.codes.has(error.code)) {
        return false;
      }
      if (!isConnectionRefused(error)) reached = true;
      if (!reached || failedInARow >= policy.attempts || options.signal?.aborted) return false;
      failedInARow += 1;
      options.onReconnect?.({ attempt: failedInARow, of: policy.attempts, error });
      return delay(policy.firstDelayMs * 2 ** (failedInARow - 1), options.signal);
    },
  };
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", stop, { once: true });
  });
}

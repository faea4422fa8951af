/** How a broken stream is reopened: how often in a row, and how patiently. */
export interface ResumePolicy {
  /** Attempts in a row, without a message received in between, before giving up. */
  readonly attempts: number;
  /** The wait before the first attempt; doubled before each further one. */
  readonly firstDelayMs: number;
}

import { FibchatError, type StatusName } from "../fibchat-error.js";

/** 5 attempts over about 8 seconds: long enough for a server restart behind a load balancer. */
export const DEFAULT_RESUME_POLICY: ResumePolicy = { attempts: 5, firstDelayMs: 250 };

/**
 * Counts failed reopen attempts since the last progress and waits the backoff before each.
 * `next()` resolves `true` after the wait, or `false` when the attempts are used up or `signal`
 * aborts. Callers decide which failures are worth a `next()`.
 */
export function createBackoff(
  policy: ResumePolicy,
  signal: AbortSignal | undefined,
): { readonly attempt: number; progressed(): void; next(): Promise<boolean> } {
  let failedInARow = 0;
  return {
    /** Attempts made since the last progress. */
    get attempt() {
      return failedInARow;
    },
    progressed() {
      failedInARow = 0;
    },
    next() {
      if (failedInARow >= policy.attempts || signal?.aborted) return Promise.resolve(false);
      failedInARow += 1;
      return delay(policy.firstDelayMs * 2 ** (failedInARow - 1), signal);
    },
  };
}

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

/**
 * Whether a call that failed with `error` is worth opening again: its status is one of `codes`,
 * and it is not a refused connection to a server this call never reached (a server that is not
 * running is reported at once, not after every attempt).
 */
export function isResumable(
  error: unknown,
  codes: ReadonlySet<StatusName>,
  reached: boolean,
): error is FibchatError {
  if (!(error instanceof FibchatError) || !codes.has(error.code)) return false;
  return reached || !error.details.includes("connection refused");
}

/** The policy `resume` stands for: none for `false`, the default for `true`. */
export function resumePolicy(resume: boolean | ResumePolicy): ResumePolicy | undefined {
  if (resume === false) return undefined;
  return resume === true ? DEFAULT_RESUME_POLICY : resume;
}

/** A stream or session about to be opened again. */
export interface ReconnectEvent {
  /** 1 for the first attempt since the last message, 2 for the next… */
  readonly attempt: number;
  /** The attempts allowed in a row. */
  readonly of: number;
  /** Why the previous call ended. */
  readonly error: FibchatError;
}

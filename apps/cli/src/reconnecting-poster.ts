import { status } from "@grpc/grpc-js";
import type { ChatSession, PostOutcome } from "./chat-session.js";
import { CliError, ExitCode, isServiceError } from "./errors.js";

/** How often, and how patiently, a {@link ReconnectingPoster} rejoins. */
export interface ReconnectPolicy {
  /** Rejoins in a row without an answer in between before giving up. */
  readonly attempts: number;
  /** Wait before the first rejoin; doubled before each further one. */
  readonly firstDelayMs: number;
}

/** The default {@link ReconnectPolicy}: 5 rejoins over about 8 seconds. */
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { attempts: 5, firstDelayMs: 250 };

/** Posts to a room and gets every post answered, across dropped connections. */
export interface ReconnectingPoster {
  /** Resolves with the answer to the post, whichever session it came from. */
  post(text: string, clientMessageId: string): Promise<PostOutcome>;
  /** Resolves when the current session can take another post without buffering. */
  writable(): Promise<void>;
  /** Half-closes; resolves once every post is answered and the session ended OK. */
  end(): Promise<void>;
  /** Gives up: cancels the session, rejects what is unanswered, never rejoins. */
  cancel(): void;
  /** Settles when the poster is done: as `end()` does, or earlier when it gives up. */
  readonly settled: Promise<void>;
}

interface Unanswered {
  readonly text: string;
  resolve(outcome: PostOutcome): void;
  reject(error: unknown): void;
}

/**
 * Wraps chat sessions made by `open`. When a session fails with UNAVAILABLE (the server shut
 * down, or the connection dropped) after the server has answered at least one post, it rejoins
 * and sends every unanswered post again under the same client_message_id, so the server stores
 * none of them twice (chat.proto, PostMessage.client_message_id). Failing before any answer, or
 * with any other status, is final: a server that is not running is reported at once.
 * `onReconnect` is told before each rejoin; `signal` cuts a wait between rejoins short.
 */
export function createReconnectingPoster(
  open: () => ChatSession,
  options: {
    readonly policy?: ReconnectPolicy;
    readonly signal: AbortSignal;
    readonly onReconnect: (attempt: number, of: number, reason: string) => void;
  },
): ReconnectingPoster {
  const policy = options.policy ?? DEFAULT_RECONNECT_POLICY;
  const unanswered = new Map<string, Unanswered>();
  let session = open();
  let answered = false;
  let failedInARow = 0;
  let ending = false;
  let cancelled = false;
  let final: { readonly error: unknown } | undefined;
  let reconnecting: Promise<void> | undefined;
  const finish = settlement();

  const send = (current: ChatSession, clientMessageId: string, entry: Unanswered) => {
    current.post(entry.text, clientMessageId).then(
      (outcome) => {
        unanswered.delete(clientMessageId);
        answered = true;
        failedInARow = 0;
        entry.resolve(outcome);
      },
      // A failed session is handled once, by `watch`, which resends or gives up.
      () => {},
    );
  };

  const giveUp = (error: unknown) => {
    final ??= { error };
    for (const entry of unanswered.values()) entry.reject(error);
    unanswered.clear();
    finish.reject(error);
  };

  const watch = (current: ChatSession) => {
    current.closed.then(
      () => {
        if (!ending) giveUp(new CliError("the chat server ended the session", ExitCode.failure));
        else if (unanswered.size > 0) {
          giveUp(
            new CliError(
              "the chat server ended the session without answering every post",
              ExitCode.failure,
            ),
          );
        } else finish.resolve();
      },
      async (error: unknown) => {
        if (cancelled || !answered || !isUnavailable(error) || failedInARow >= policy.attempts) {
          giveUp(error);
          return;
        }
        failedInARow += 1;
        const reason = error instanceof Error ? error.message : String(error);
        options.onReconnect(failedInARow, policy.attempts, reason);
        const wait = delay(policy.firstDelayMs * 2 ** (failedInARow - 1), options.signal);
        // New posts wait for the new session instead of piling up meanwhile.
        reconnecting = wait.then(() => {});
        const waited = await wait;
        reconnecting = undefined;
        if (!waited || cancelled) {
          giveUp(error);
          return;
        }
        session = open();
        watch(session);
        for (const [clientMessageId, entry] of unanswered) send(session, clientMessageId, entry);
        if (ending) void session.end();
      },
    );
  };
  watch(session);

  return {
    post(text, clientMessageId) {
      if (final !== undefined) return Promise.reject(final.error);
      return new Promise<PostOutcome>((resolve, reject) => {
        const entry = { text, resolve, reject };
        unanswered.set(clientMessageId, entry);
        send(session, clientMessageId, entry);
      });
    },
    writable: () => reconnecting ?? session.writable(),
    end() {
      ending = true;
      void session.end();
      return finish.promise;
    },
    cancel() {
      cancelled = true;
      session.cancel();
    },
    settled: finish.promise,
  };
}

/** A promise with its settling functions, marked handled: its users await it when they need. */
function settlement(): { promise: Promise<void>; resolve(): void; reject(error: unknown): void } {
  let resolve = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function isUnavailable(error: unknown): boolean {
  const cause = error instanceof CliError ? error.cause : error;
  return isServiceError(cause) && cause.code === status.UNAVAILABLE;
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

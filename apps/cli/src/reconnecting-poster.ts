import type { ChatSession, PostOutcome } from "./chat-session.js";
import { CliError, ExitCode } from "./errors.js";
import type { Reconnector } from "./reconnect.js";

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
 * Wraps chat sessions made by `open`. When one fails and `reconnector` says to try again, it
 * rejoins and sends every unanswered post again, in order, under the same client_message_id, so
 * the server stores none of them twice (chat.proto, PostMessage.client_message_id).
 */
export function createReconnectingPoster(
  open: () => ChatSession,
  reconnector: Reconnector,
): ReconnectingPoster {
  const unanswered = new Map<string, Unanswered>();
  let session = open();
  let ending = false;
  let cancelled = false;
  let final: { readonly error: unknown } | undefined;
  let reconnecting: Promise<void> | undefined;
  const finish = settlement();

  const send = (current: ChatSession, clientMessageId: string, entry: Unanswered) => {
    current.post(entry.text, clientMessageId).then(
      (outcome) => {
        unanswered.delete(clientMessageId);
        reconnector.progressed();
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
        // New posts wait for the next session instead of piling up meanwhile.
        const retrying = cancelled ? Promise.resolve(false) : reconnector.retry(error);
        reconnecting = retrying.then(() => {});
        const again = await retrying;
        reconnecting = undefined;
        if (!again || cancelled) {
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

/**
 * Paces a session's posts while the server refuses them for the sender's rate: the refused posts,
 * and every post made after the first refusal, wait in post order; once the server's
 * `retry_after_ms` has passed they go out one at a time, each after the previous one is
 * answered, until none waits. One at a time because the server refills its bucket one post at a
 * time: sending the whole queue at once would only have most of it refused again. Waiting posts
 * go out in the order they were made (`seq`). Posts already on the wire when the first refusal
 * arrives may still be stored before the refused ones.
 */
export interface PostPacer {
  /**
   * The server refused `clientMessageId`, the session's `seq`-th post, for the rate: send it
   * again after `retryAfterMs` (held to between 1 ms and a minute, whatever the server says).
   */
  refused(clientMessageId: string, seq: number, retryAfterMs: number): void;
  /** `clientMessageId` was answered (stored or refused for good): send the next waiting post. */
  answered(clientMessageId: string): void;
  /** Queues a new post behind waiting ones and returns true, or returns false when none waits. */
  queue(clientMessageId: string, seq: number): boolean;
  /** Resolves when no post waits any more, or `undefined` when none waits now. */
  drained(): Promise<void> | undefined;
  /** Forgets every waiting post (the session is resending everything, or is over). */
  reset(): void;
}

// A server's hint beyond this is not believed: a session should not go quiet for longer.
const MAX_WAIT_MS = 60_000;

/** Creates a {@link PostPacer}; `send` posts again and returns false when the post is gone. */
export function createPostPacer(send: (clientMessageId: string) => boolean): PostPacer {
  /** In post order: refusals of earlier posts can arrive after later posts were queued. */
  const waiting: { readonly id: string; readonly seq: number }[] = [];
  let inFlight: { readonly id: string; readonly seq: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let empty: { readonly promise: Promise<void>; readonly resolve: () => void } | undefined;
  const pacing = () => waiting.length > 0 || inFlight !== undefined || timer !== undefined;

  const insert = (post: { readonly id: string; readonly seq: number }) => {
    const at = waiting.findIndex((other) => other.seq > post.seq);
    if (at === -1) waiting.push(post);
    else waiting.splice(at, 0, post);
  };
  const release = () => {
    empty?.resolve();
    empty = undefined;
  };
  const sendNext = () => {
    timer = undefined;
    for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
      if (send(next.id)) {
        inFlight = next;
        return;
      }
    }
    release();
  };

  return {
    refused(clientMessageId, seq, retryAfterMs) {
      if (clientMessageId === inFlight?.id) inFlight = undefined;
      insert({ id: clientMessageId, seq });
      if (inFlight !== undefined) return;
      clearTimeout(timer);
      timer = setTimeout(sendNext, Math.min(Math.max(retryAfterMs, 1), MAX_WAIT_MS));
    },
    answered(clientMessageId) {
      if (clientMessageId !== inFlight?.id) return;
      inFlight = undefined;
      if (timer === undefined) sendNext();
    },
    queue(clientMessageId, seq) {
      if (!pacing()) return false;
      insert({ id: clientMessageId, seq });
      return true;
    },
    drained() {
      if (!pacing()) return undefined;
      if (empty === undefined) {
        let resolve = () => {};
        const promise = new Promise<void>((done) => {
          resolve = done;
        });
        empty = { promise, resolve };
      }
      return empty.promise;
    },
    reset() {
      clearTimeout(timer);
      timer = undefined;
      inFlight = undefined;
      waiting.length = 0;
      release();
    },
  };
}

/**
 * Paces a session's posts while the server refuses them for the sender's rate: the refused posts,
 * and every post made after the first refusal, wait in post order; once the server's
 * `retry_after_ms` has passed they go out one at a time, each after the previous one is
 * answered, until none waits. One at a time because the server refills its bucket one post at a
 * time: sending the whole queue at once would only have most of it refused again. Posts already
 * on the wire when the first refusal arrives may still be stored before the refused ones.
 */
export interface PostPacer {
  /** The server refused `clientMessageId` for the rate: send it again after `retryAfterMs`. */
  refused(clientMessageId: string, retryAfterMs: number): void;
  /** `clientMessageId` was answered (stored or refused for good): send the next waiting post. */
  answered(clientMessageId: string): void;
  /** Queues a new post behind waiting ones and returns true, or returns false when none waits. */
  queue(clientMessageId: string): boolean;
  /** Resolves when no post waits any more, or `undefined` when none waits now. */
  drained(): Promise<void> | undefined;
  /** Forgets every waiting post (the session is resending everything, or is over). */
  reset(): void;
}

/** Creates a {@link PostPacer}; `send` posts again and returns false when the post is gone. */
export function createPostPacer(send: (clientMessageId: string) => boolean): PostPacer {
  const waiting: string[] = [];
  let inFlight: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let empty: { readonly promise: Promise<void>; readonly resolve: () => void } | undefined;
  const pacing = () => waiting.length > 0 || inFlight !== undefined || timer !== undefined;

  const release = () => {
    empty?.resolve();
    empty = undefined;
  };
  const sendNext = () => {
    timer = undefined;
    for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
      if (send(next)) {
        inFlight = next;
        return;
      }
    }
    release();
  };

  return {
    refused(clientMessageId, retryAfterMs) {
      // The post sent from the queue goes back to its head; one refused from the pipeline joins
      // the queue in the order the answers come, which is the order of the posts.
      if (clientMessageId === inFlight) {
        inFlight = undefined;
        waiting.unshift(clientMessageId);
      } else waiting.push(clientMessageId);
      if (inFlight !== undefined) return;
      clearTimeout(timer);
      timer = setTimeout(sendNext, retryAfterMs);
    },
    answered(clientMessageId) {
      if (clientMessageId !== inFlight) return;
      inFlight = undefined;
      if (timer === undefined) sendNext();
    },
    queue(clientMessageId) {
      if (!pacing()) return false;
      waiting.push(clientMessageId);
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

import type { AppendResult, StoredMessage } from "../store/message-store.js";

/**
 * Tells one chat session which messages of its room feed it posted itself:
 * those it acknowledges, and must not echo back (the session receives "every
 * message other sessions post"). Matching is by stored id, not by author, so
 * two sessions of one author still see each other's posts.
 */
export interface OwnPosts {
  /** Records `append` as one of this session's posts and returns it unchanged. */
  track(append: Promise<AppendResult>): Promise<AppendResult>;
  /**
   * Whether a tracked post stored `message`; true at most once per message.
   * The feed can hand out a message before the append that stored it
   * resolves, so while posts by this author are in flight and none of them
   * is known to have stored it, it waits for them (a promise). Otherwise it
   * answers at once: a session loop pays no promise for the messages of
   * other authors, nor for its own posts whose appends have resolved, which
   * is every one of them on the memory store (bench/results/NOTES.md §10).
   */
  isOwn(message: StoredMessage): boolean | Promise<boolean>;
}

/** Creates the {@link OwnPosts} of a session that posts as `author`. */
export function createOwnPosts(author: string): OwnPosts {
  const inFlight = new Set<Promise<AppendResult>>();
  const storedIds = new Set<bigint>();
  return {
    track(append) {
      inFlight.add(append);
      // One reaction for both outcomes (not a `then` and a `finally`): this runs for every post.
      append.then(
        ({ message, duplicate }) => {
          inFlight.delete(append);
          // A duplicate's message was stored by an earlier post, tracked then if it was ours.
          if (!duplicate) storedIds.add(message.id);
        },
        // The caller handles the rejection; here it only means nothing was stored.
        () => inFlight.delete(append),
      );
      return append;
    },

    isOwn(message) {
      if (message.author !== author) return false;
      // Waiting on every post in flight is O(posts in flight) reactions, per message: done only
      // when the answer is not known yet.
      if (storedIds.delete(message.id)) return true;
      if (inFlight.size === 0) return false;
      return Promise.allSettled(inFlight).then(() => storedIds.delete(message.id));
    },
  };
}

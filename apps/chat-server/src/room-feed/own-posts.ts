import type { AppendResult, StoredMessage } from "../store/message-store.js";

/**
 * Tells one chat session which messages of its room feed it posted itself:
 * those it acknowledges, and must not echo back (the session receives "every
 * message other sessions post"). Matching is by stored id, not by author, so
 * two sessions of one author still see each other's posts.
 */
export interface OwnPosts {
  /**
   * Records `append`, a post of this session with `clientMessageId`, and
   * returns it unchanged.
   */
  track(clientMessageId: string, append: Promise<AppendResult>): Promise<AppendResult>;
  /**
   * Whether a tracked post stored `message`; true at most once per message.
   * Answers at once when it can: for the messages of other authors, and for
   * those of posts whose appends have resolved. The feed can hand out a
   * message before the append that stored it resolves (on the memory store it
   * always does), and then it waits (a promise) for the posts that can have
   * stored it: those in flight with the message's client_message_id, as the
   * store keeps one message per (room, author, client_message_id), or every
   * post in flight when the message has none (bench/results/NOTES.md §14).
   */
  isOwn(message: StoredMessage): boolean | Promise<boolean>;
}

/** Creates the {@link OwnPosts} of a session that posts as `author`. */
export function createOwnPosts(author: string): OwnPosts {
  /** Every post in flight, by client_message_id ("" for posts without one). */
  const inFlight = new Map<string, Set<Promise<AppendResult>>>();
  const storedIds = new Set<bigint>();
  let postsInFlight = 0;

  /**
   * Whether one of `posts` (in the order they were posted) stored `message`: true as soon as the
   * one that did has settled, false once they all have. Not all at once: a session posting
   * without client_message_ids keeps posts in flight all the time, and waiting for every one of
   * them (including those posted after the one that stored it) let a fast poster's own messages
   * pile up in its feed until it was cut off as a slow consumer.
   */
  const stored = async (posts: readonly Promise<AppendResult>[], message: StoredMessage) => {
    for (const post of posts) {
      await post.then(settledOk, settledOk);
      if (storedIds.delete(message.id)) return true;
    }
    return false;
  };

  return {
    track(clientMessageId, append) {
      let posts = inFlight.get(clientMessageId);
      if (posts === undefined) {
        posts = new Set();
        inFlight.set(clientMessageId, posts);
      }
      posts.add(append);
      postsInFlight += 1;
      const settled = () => {
        postsInFlight -= 1;
        posts.delete(append);
        if (posts.size === 0 && inFlight.get(clientMessageId) === posts) {
          inFlight.delete(clientMessageId);
        }
      };
      // One reaction for both outcomes (not a `then` and a `finally`): this runs for every post.
      append.then(
        ({ message, duplicate }) => {
          settled();
          // A duplicate's message was stored by an earlier post, tracked then if it was ours.
          if (!duplicate) storedIds.add(message.id);
        },
        // The caller handles the rejection; here it only means nothing was stored.
        settled,
      );
      return append;
    },

    isOwn(message) {
      if (message.author !== author) return false;
      if (storedIds.delete(message.id)) return true;
      if (message.clientMessageId !== "") {
        // Only a post with the same client_message_id can have stored it.
        const posts = inFlight.get(message.clientMessageId);
        if (posts === undefined) return false;
        const [only] = posts;
        // Usually one post has the message's client_message_id: one reaction to wait for.
        if (only !== undefined && posts.size === 1) {
          const known = () => storedIds.delete(message.id);
          return only.then(known, known);
        }
        return stored([...posts], message);
      }
      if (postsInFlight === 0) return false;
      return stored(
        [...inFlight.values()].flatMap((posts) => [...posts]),
        message,
      );
    },
  };
}

function settledOk(): void {}

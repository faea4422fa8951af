import type { MessageStore, StoredMessage } from "../store/message-store.js";
import { createBoundedQueue } from "./bounded-queue.js";
import { SlowConsumerError } from "./slow-consumer-error.js";

/** The default of the server's --max-queue: live messages a feed holds for a slow reader. */
export const DEFAULT_FEED_CAPACITY = 1000;

/** The default number of stored messages a feed reads per query while catching up. */
const DEFAULT_REPLAY_PAGE_SIZE = 256;

/** What {@link openRoomFeed} delivers, and until when. */
export interface RoomFeedOptions {
  readonly store: MessageStore;
  /** A room name that has passed the chat rules. */
  readonly room: string;
  /**
   * Replay the stored messages with a greater id first. Undefined: live only,
   * starting with the first new message the store notifies.
   */
  readonly afterId?: bigint | undefined;
  /** Live messages held for the reader before it counts as slow; default {@link DEFAULT_FEED_CAPACITY}. */
  readonly capacity?: number;
  /** Stored messages read per query; default {@link DEFAULT_REPLAY_PAGE_SIZE}. */
  readonly pageSize?: number;
  /** Aborting it ends the feed and unsubscribes at once, even while nobody reads. */
  readonly signal: AbortSignal;
  /**
   * Called once, as soon as the reader falls more than `capacity` messages behind: lets a caller
   * that is blocked elsewhere (writing to that slow reader) end its call without waiting to read
   * the feed again, where the same error is thrown.
   */
  readonly onSlowConsumer?: (error: SlowConsumerError) => void;
}

/**
 * The messages of one room in ascending id order, each exactly once, with no
 * gap: first the stored ones after `afterId`, then live ones as they are
 * stored. It includes the reader's own posts; a chat session drops those with
 * `OwnPosts`. Iterate it once. Iteration:
 * - ends when the signal aborts or the reader leaves the loop, unsubscribing;
 * - throws a {@link SlowConsumerError} once more than `capacity` live messages
 *   wait for the reader;
 * - rejects with the store's error if a read fails.
 */
export interface RoomFeed extends AsyncIterable<StoredMessage> {
  /** Live messages waiting for the reader now: never more than `capacity`. */
  readonly queueLength: number;
  /** The most live messages that ever waited at once. */
  readonly queueHighWaterMark: number;
}

/**
 * Subscribes to `room` at once, then serves the feed described at
 * {@link RoomFeed}. Subscribing before reading the history is what makes it
 * gap-free: a message is either stored before the history is read, and read
 * with it, or notified after, and queued; a queued message the history already
 * covered is dropped by id. If live ids skip (a notification lost or late, as
 * from another server instance), the feed reads the missing ones from the
 * store. Throws if the store is closed.
 */
export function openRoomFeed(options: RoomFeedOptions): RoomFeed {
  const { store, room, signal } = options;
  const capacity = options.capacity ?? DEFAULT_FEED_CAPACITY;
  const pageSize = options.pageSize ?? DEFAULT_REPLAY_PAGE_SIZE;
  const queue = createBoundedQueue<StoredMessage>(capacity);
  /** The id of the last message handed to the reader. */
  let cursor = options.afterId;
  /** Set while the next messages must be read from the store: replay, or a gap in live ids. */
  let catchUpAfter = options.afterId;
  let page: StoredMessage[] = [];
  let pageIndex = 0;
  let slowConsumer: SlowConsumerError | undefined;
  let unsubscribe = () => {};

  function stop(): void {
    unsubscribe();
    signal.removeEventListener("abort", stop);
    // Wakes a reader parked on the queue: its next() ends the feed.
    queue.close();
  }

  if (!signal.aborted) {
    unsubscribe = store.subscribe((message) => {
      // A live-only feed starts right before the first message it hears of.
      cursor ??= message.id - 1n;
      if (!queue.push(message)) {
        slowConsumer = new SlowConsumerError(room, cursor, capacity);
        stop();
        options.onSlowConsumer?.(slowConsumer);
      }
    }, room);
    signal.addEventListener("abort", stop);
  }

  /** The next message to hand out, or undefined once aborted. */
  async function pull(): Promise<StoredMessage | undefined> {
    for (;;) {
      if (slowConsumer !== undefined) throw slowConsumer;
      if (signal.aborted) return undefined;

      const buffered = page[pageIndex];
      if (buffered !== undefined) {
        pageIndex++;
        return buffered;
      }

      if (catchUpAfter !== undefined) {
        page = await store.readAfter(room, catchUpAfter, pageSize);
        pageIndex = 0;
        const last = page.at(-1);
        catchUpAfter = page.length === pageSize ? last?.id : undefined;
        if (last !== undefined) queue.discardWhile((queued) => queued.id <= last.id);
        continue;
      }

      const live = await queue.next();
      if (live === undefined) {
        // The queue overflowed (a slow consumer) or was closed (aborted, or the reader left).
        if (slowConsumer !== undefined) throw slowConsumer;
        return undefined;
      }
      if (cursor === undefined || live.id <= cursor) continue;
      if (live.id > cursor + 1n) {
        // The store has the messages in between; reading from the cursor fetches them and `live`.
        catchUpAfter = cursor;
        continue;
      }
      return live;
    }
  }

  // An iterator written out rather than an async generator around `pull`: a generator adds a few
  // promise reactions to every message, and each session reads every message of its room
  // (bench/results/NOTES.md §10). It behaves as the generator did: done once the feed ends,
  // throws, or `return()` is called, unsubscribing then.
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let over = false;
  const finish = () => {
    over = true;
    stop();
  };
  const messages: AsyncIterator<StoredMessage, undefined, undefined> = {
    next() {
      if (over) return Promise.resolve(finished);
      return pull().then(
        (message): IteratorResult<StoredMessage, undefined> => {
          if (message === undefined) {
            finish();
            return finished;
          }
          cursor = message.id;
          return { done: false, value: message };
        },
        (error: unknown) => {
          finish();
          throw error;
        },
      );
    },
    return() {
      finish();
      return Promise.resolve(finished);
    },
  };

  return {
    [Symbol.asyncIterator]: () => messages,
    get queueLength() {
      return queue.length;
    },
    get queueHighWaterMark() {
      return queue.highWaterMark;
    },
  };
}

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
  /**
   * Hands the next result to `result` (done once the feed ends), or its error to `fail`: exactly
   * one of them runs, once, always in a later microtask. One read at a time, and not mixed with
   * iterating the feed.
   */
  read(
    result: (result: IteratorResult<StoredMessage, undefined>) => void,
    fail: (error: unknown) => void,
  ): void;
  /** Live messages waiting for the reader now: never more than `capacity`. */
  readonly queueLength: number;
  /** The most live messages that ever waited at once. */
  readonly queueHighWaterMark: number;
}

/** The reader waiting for a feed's next message. */
interface FeedReader {
  result(result: IteratorResult<StoredMessage, undefined>): void;
  fail(error: unknown): void;
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
    // Wakes a reader parked on the queue: its pending read is answered `done`.
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

  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let over = false;
  let reader: FeedReader | undefined;
  let scheduled = false;
  const finish = () => {
    over = true;
    stop();
  };
  const fail = (error: unknown) => {
    finish();
    const waiting = reader;
    reader = undefined;
    waiting?.fail(error);
  };
  /** Ends the pending read, if any, with `result`. */
  const answer = (result: IteratorResult<StoredMessage, undefined>) => {
    const waiting = reader;
    reader = undefined;
    waiting?.result(result);
  };
  // Every step runs in a microtask of its own, never inside the store's listener or the
  // reader's call to `read`: the reader's code is never re-entered.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(step);
  };

  /**
   * Hands the reader its next message, or arranges to be run again when there may be one. A
   * state that makes it do anything but wait on an empty queue belongs in {@link caughtUp} too.
   */
  function step(): void {
    scheduled = false;
    for (;;) {
      if (reader === undefined) return;
      if (slowConsumer !== undefined) {
        fail(slowConsumer);
        return;
      }
      if (over || signal.aborted) {
        finish();
        answer(finished);
        return;
      }

      const buffered = page[pageIndex];
      if (buffered !== undefined) {
        pageIndex++;
        deliver(buffered);
        return;
      }

      if (catchUpAfter !== undefined) {
        store.readAfter(room, catchUpAfter, pageSize).then((read) => {
          page = read;
          pageIndex = 0;
          const last = page.at(-1);
          catchUpAfter = page.length === pageSize ? last?.id : undefined;
          if (last !== undefined) queue.discardWhile((queued) => queued.id <= last.id);
          step();
        }, fail);
        return;
      }

      const live = queue.shift();
      if (live === undefined) {
        // Ended: the queue overflowed (a slow consumer, thrown above) or was closed (aborted).
        if (queue.ended) continue;
        queue.whenChanged(schedule);
        return;
      }
      if (cursor === undefined || live.id <= cursor) continue;
      if (live.id > cursor + 1n) {
        // The store has the messages in between; reading from the cursor fetches them and `live`.
        catchUpAfter = cursor;
        continue;
      }
      deliver(live);
      return;
    }
  }

  function deliver(message: StoredMessage): void {
    cursor = message.id;
    answer({ done: false, value: message });
  }

  // Read with callbacks rather than promises: a chat session reads every message of its room,
  // and the async function and iterator this replaced cost about five promise reactions a
  // message, one microtask now (bench/results/NOTES.md §14).
  function read(result: FeedReader["result"], failed: FeedReader["fail"]): void {
    if (reader !== undefined) throw new Error("RoomFeed.read() called while another is pending");
    reader = { result, fail: failed };
    // A reader that has caught up, the usual state of a live session, waits for the next push
    // at once, sparing a step that would find nothing.
    if (!scheduled && caughtUp()) queue.whenChanged(schedule);
    else schedule();
  }

  /** True when a step would only wait for the queue: nothing to hand out, nothing to read. */
  function caughtUp(): boolean {
    return (
      queue.length === 0 &&
      !queue.ended &&
      page[pageIndex] === undefined &&
      catchUpAfter === undefined &&
      slowConsumer === undefined &&
      !over &&
      !signal.aborted
    );
  }

  const messages: AsyncIterator<StoredMessage, undefined, undefined> = {
    next() {
      if (over) return Promise.resolve(finished);
      return new Promise((resolve, reject) => read(resolve, reject));
    },
    return() {
      finish();
      answer(finished);
      return Promise.resolve(finished);
    },
  };

  return {
    [Symbol.asyncIterator]: () => messages,
    read,
    get queueLength() {
      return queue.length;
    },
    get queueHighWaterMark() {
      return queue.highWaterMark;
    },
  };
}

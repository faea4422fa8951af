import { setTimeout as delay } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { StoredMessage } from "./message-store.js";
import {
  compareEntryIds,
  decodeEvent,
  decodeMessage,
  messageEntryId,
  type StoredEvent,
  type StreamEntry,
} from "./redis-entries.js";
import type { RedisKeys } from "./redis-keys.js";

/** Events read per XREAD: bounds the messages fetched and emitted in one step. */
const EVENTS_PER_READ = 256;

/** Pause before reading again after a failure that was not a lost connection. */
const RETRY_DELAY_MS = 1_000;

/** What {@link followEvents} reads, and whom it tells. */
export interface EventFollowerOptions {
  /** A connection of its own: it spends its life blocked in XREAD. */
  readonly reader: Redis;
  readonly keys: RedisKeys;
  /** The id of the last event already handled: following starts after it. */
  readonly after: string;
  /** Receives each stored message, in events-stream order (so in id order per room). */
  readonly emit: (message: StoredMessage) => void;
  /** Failures other than a lost connection (the reader reports those): it reads again after a pause. */
  readonly onError: (error: unknown) => void;
  /** Receives every entry that is not a message notification (presence's), in stream order. */
  readonly onOtherEntry?: ((entry: StreamEntry) => void) | undefined;
}

/** A running {@link followEvents} loop. */
export interface EventFollower {
  /**
   * Resolves once every event up to `eventId` has been handled (its message emitted), or once
   * stopped.
   */
  passed(eventId: string): Promise<void>;
  /** Ends the loop, disconnecting the reader, and resolves every {@link passed} still waiting. */
  stop(): Promise<void>;
}

/**
 * Follows the events stream from `after` on, emitting the message each event names. Every
 * instance runs one: it is how an instance hears of the messages others store. A lost connection
 * rejects the blocked XREAD; the loop then waits for the reader to reconnect and reads on from
 * the last event it handled, so an outage neither loses nor repeats a notification (unless it
 * outlasts the stream's cap, and room feeds read the gap from the store).
 */
export function followEvents(options: EventFollowerOptions): EventFollower {
  const { reader, keys, emit, onError } = options;
  const stopping = new AbortController();
  let cursor = options.after;
  let waiting: { readonly eventId: string; readonly resolve: () => void }[] = [];

  async function handle(entries: readonly StreamEntry[]): Promise<void> {
    const last = entries.at(-1);
    if (last === undefined) return;
    const events = entries.flatMap((entry) => decodeEvent(entry) ?? []);
    const messages = await fetchMessages(events);
    // Emitting nothing after stop: the store has closed and let its listeners go.
    if (stopping.signal.aborted) return;
    // In stream order, so an entry of another kind (a member's join) keeps its place among messages.
    for (const entry of entries) {
      const event = decodeEvent(entry);
      if (event === undefined) {
        options.onOtherEntry?.(entry);
        continue;
      }
      const message = messages.get(event.room)?.get(event.id);
      if (message !== undefined) emit(message);
    }
    cursor = last[0];
    settle();
  }

  /** The messages the events name, by room and id: one XRANGE per room. */
  async function fetchMessages(
    events: readonly StoredEvent[],
  ): Promise<Map<string, Map<bigint, StoredMessage>>> {
    // A room's events come in id order: its first and last event bound the ids to fetch.
    const ranges = new Map<string, { first: bigint; last: bigint }>();
    for (const { room, id } of events) {
      const range = ranges.get(room);
      if (range === undefined) ranges.set(room, { first: id, last: id });
      else range.last = id;
    }
    const rooms = await Promise.all(
      [...ranges].map(async ([room, { first, last }]) => {
        const entries = await reader.xrange(
          keys.messages(room),
          messageEntryId(first),
          messageEntryId(last),
        );
        const byId = new Map<bigint, StoredMessage>();
        for (const entry of entries) {
          const message = decodeMessage(room, entry);
          byId.set(message.id, message);
        }
        return [room, byId] satisfies [string, Map<bigint, StoredMessage>];
      }),
    );
    return new Map(rooms);
  }

  function settle(): void {
    const stillWaiting = [];
    for (const waiter of waiting) {
      if (stopping.signal.aborted || compareEntryIds(waiter.eventId, cursor) <= 0) waiter.resolve();
      else stillWaiting.push(waiter);
    }
    waiting = stillWaiting;
  }

  /** Waits until reading may succeed again, or the follower stops. */
  async function recover(error: unknown): Promise<void> {
    if (reader.status !== "ready") return readyOrStopping();
    onError(error);
    // Rejects only when aborted: the follower is stopping, and the loop ends.
    await delay(RETRY_DELAY_MS, undefined, { signal: stopping.signal }).catch(() => {});
  }

  // Not events.once: it rejects on the 'error' that every failed reconnection attempt emits.
  function readyOrStopping(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        reader.off("ready", done);
        stopping.signal.removeEventListener("abort", done);
        resolve();
      };
      reader.on("ready", done);
      stopping.signal.addEventListener("abort", done);
    });
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const reply = await reader.xread(
          "COUNT",
          EVENTS_PER_READ,
          "BLOCK",
          0,
          "STREAMS",
          keys.events,
          cursor,
        );
        for (const [, entries] of reply ?? []) await handle(entries);
      } catch (error) {
        if (!stopping.signal.aborted) await recover(error);
      }
    }
  }

  const running = run();
  return {
    passed(eventId) {
      if (stopping.signal.aborted || compareEntryIds(eventId, cursor) <= 0)
        return Promise.resolve();
      return new Promise((resolve) => waiting.push({ eventId, resolve }));
    },
    async stop() {
      stopping.abort();
      // Rejects the blocked XREAD at once; the loop sees the abort and ends.
      reader.disconnect();
      await running;
      settle();
    },
  };
}

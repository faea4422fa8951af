import { afterEach, describe, expect, it } from "vitest";
import {
  type AppendInput,
  type MessageStore,
  MessageStoreClosedError,
  type StoredMessage,
} from "../store/message-store.js";

/** A storage backend under test. */
export interface StoreBackend {
  /**
   * Creates fresh, empty storage and returns a function opening a store on
   * it. For a persistent backend, opening again after the previous store has
   * closed must see the same data.
   */
  readonly createStorage: () => () => MessageStore | Promise<MessageStore>;
  /** Whether data outlives a store's `close()`. */
  readonly persistent: boolean;
  /** Whether the store notifies only per room (`subscribe(listener, room)`), as on a Redis Cluster. */
  readonly notifiesPerRoom?: boolean;
}

const U64_MAX = 2n ** 64n - 1n;

function post(room: string, text: string, clientMessageId = "", author = "ada"): AppendInput {
  return { room, author, text, clientMessageId };
}

function ids(messages: readonly StoredMessage[]): bigint[] {
  return messages.map((message) => message.id);
}

function range(from: number, to: number): bigint[] {
  return Array.from({ length: to - from + 1 }, (_, index) => BigInt(from + index));
}

/**
 * Declares the tests every {@link MessageStore} backend must pass, so the
 * memory, SQLite and later backends are held to one definition of correct.
 */
export function describeMessageStoreContract(name: string, backend: StoreBackend): void {
  /** Subscribes `listener` to `rooms`: once for all, unless the store notifies per room. */
  function subscribe(
    store: MessageStore,
    rooms: readonly string[],
    listener: (message: StoredMessage) => void,
  ): () => void {
    if (!backend.notifiesPerRoom) return store.subscribe(listener);
    const unsubscribes = rooms.map((room) => store.subscribe(listener, room));
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }

  describe(`${name} honours the MessageStore contract`, () => {
    const opened: MessageStore[] = [];

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    async function openFresh(): Promise<{
      store: MessageStore;
      reopen: () => Promise<MessageStore>;
    }> {
      const open = backend.createStorage();
      const reopen = async () => {
        const store = await open();
        opened.push(store);
        return store;
      };
      return { store: await reopen(), reopen };
    }

    async function fill(store: MessageStore, room: string, count: number): Promise<void> {
      for (let index = 1; index <= count; index++) await store.append(post(room, `m${index}`));
    }

    it("numbers messages 1, 2, 3 … per room, independently across rooms", async () => {
      const { store } = await openFresh();
      const appended = [];
      for (const room of ["a", "b", "a", "a", "b"])
        appended.push(await store.append(post(room, room)));
      expect(appended.map(({ message }) => [message.room, message.id])).toEqual([
        ["a", 1n],
        ["b", 1n],
        ["a", 2n],
        ["a", 3n],
        ["b", 2n],
      ]);
      expect(appended.every(({ duplicate }) => !duplicate)).toBe(true);
    });

    it("returns every field as appended, and reads back the same message", async () => {
      const input = {
        room: "r",
        author: "Ada 😀",
        text: "line 1\n\tline 2 ✓",
        clientMessageId: "c-1",
      };
      const { store } = await openFresh();
      const { message } = await store.append(input);
      expect(message).toEqual({ ...input, id: 1n, sentAt: expect.any(Date) });
      expect(await store.readAfter("r", 0n, 10)).toEqual([message]);
    });

    it.each([
      { afterId: 0n, limit: 3, expected: range(1, 3) },
      { afterId: 3n, limit: 3, expected: range(4, 6) },
      { afterId: 0n, limit: 100, expected: range(1, 10) },
      { afterId: 8n, limit: 5, expected: range(9, 10) },
      { afterId: 10n, limit: 5, expected: [] },
      { afterId: U64_MAX, limit: 5, expected: [] },
    ])(
      "readAfter(afterId $afterId, limit $limit) pages in ascending id order",
      async ({ afterId, limit, expected }) => {
        const { store } = await openFresh();
        await fill(store, "r", 10);
        await store.append(post("other", "not in r"));
        expect(ids(await store.readAfter("r", afterId, limit))).toEqual(expected);
      },
    );

    it("readAfter of a room without messages is empty", async () => {
      const { store } = await openFresh();
      await fill(store, "r", 2);
      expect(await store.readAfter("nobody-here", 0n, 10)).toEqual([]);
    });

    it.each([0, -1, 1.5, Number.NaN, 2 ** 53])("readAfter rejects limit %s", async (limit) => {
      const { store } = await openFresh();
      await expect(store.readAfter("r", 0n, limit)).rejects.toThrow(RangeError);
    });

    it("counts messages and non-empty rooms, per room and in all", async () => {
      const { store } = await openFresh();
      expect(await store.stats(undefined)).toEqual({ messageCount: 0n, roomCount: 0 });
      await fill(store, "a", 3);
      await fill(store, "b", 2);
      expect(await store.stats(undefined)).toEqual({ messageCount: 5n, roomCount: 2 });
      expect(await store.stats("a")).toEqual({ messageCount: 3n, roomCount: 1 });
      expect(await store.stats("empty")).toEqual({ messageCount: 0n, roomCount: 0 });
    });

    it("answers a repeated (room, author, clientMessageId) with the original, storing nothing", async () => {
      const { store } = await openFresh();
      const original = await store.append(post("r", "first", "c-1"));
      const repeat = await store.append(post("r", "edited", "c-1"));
      expect(repeat).toEqual({ message: original.message, duplicate: true });
      expect(await store.stats("r")).toEqual({ messageCount: 1n, roomCount: 1 });
    });

    it.each([
      { name: "another author", second: post("r", "x", "c-1", "grace") },
      { name: "another room", second: post("s", "x", "c-1") },
      { name: "another clientMessageId", second: post("r", "x", "c-2") },
    ])("stores the same clientMessageId again from $name", async ({ second }) => {
      const { store } = await openFresh();
      await store.append(post("r", "x", "c-1"));
      expect((await store.append(second)).duplicate).toBe(false);
      expect(await store.stats(undefined)).toMatchObject({ messageCount: 2n });
    });

    it("never deduplicates an empty clientMessageId", async () => {
      const { store } = await openFresh();
      const first = await store.append(post("r", "same"));
      const second = await store.append(post("r", "same"));
      expect([first.duplicate, second.duplicate]).toEqual([false, false]);
      expect(ids([first.message, second.message])).toEqual([1n, 2n]);
    });

    it("deduplicates a repeat appended concurrently with its original", async () => {
      const { store } = await openFresh();
      const results = await Promise.all([
        store.append(post("r", "one", "c-1")),
        store.append(post("r", "two", "c-1")),
        store.append(post("r", "three", "c-2")),
      ]);
      expect(results.map(({ duplicate }) => duplicate)).toEqual([false, true, false]);
      expect(results[1]?.message).toEqual(results[0]?.message);
      expect(ids(await store.readAfter("r", 0n, 10))).toEqual([1n, 2n]);
    });

    it("gives 500 concurrent appends distinct, gap-free ids in each room", async () => {
      const { store } = await openFresh();
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, index) =>
          store.append(post(`room-${index % 2}`, `${index}`)),
        ),
      );
      for (const room of ["room-0", "room-1"]) {
        const assigned = results
          .filter(({ message }) => message.room === room)
          .map(({ message }) => message.id);
        expect(assigned.toSorted((a, b) => (a < b ? -1 : 1))).toEqual(range(1, 250));
        expect(ids(await store.readAfter(room, 0n, 1000))).toEqual(range(1, 250));
      }
    });

    it("notifies each listener once per new message, in id order per room, readable when notified", async () => {
      const { store } = await openFresh();
      const first: StoredMessage[] = [];
      const second: StoredMessage[] = [];
      const readsWhenNotified: Promise<StoredMessage[]>[] = [];
      const rooms = ["room-0", "room-1", "room-2"];
      subscribe(store, rooms, (message) => {
        first.push(message);
        readsWhenNotified.push(store.readAfter(message.room, message.id - 1n, 1));
      });
      subscribe(store, rooms, (message) => second.push(message));
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, index) =>
          store.append(post(`room-${index % 3}`, `${index}`)),
        ),
      );
      const stored = results.map(({ message }) => message);
      expect(first).toHaveLength(30);
      expect(second).toEqual(first);
      expect(new Set(first)).toEqual(new Set(stored));
      for (const room of ["room-0", "room-1", "room-2"]) {
        expect(ids(first.filter((message) => message.room === room))).toEqual(range(1, 10));
      }
      expect((await Promise.all(readsWhenNotified)).flat()).toEqual(first);
    });

    it("does not notify duplicates or unsubscribed listeners", async () => {
      const { store } = await openFresh();
      const kept: bigint[] = [];
      const dropped: bigint[] = [];
      subscribe(store, ["r"], (message) => kept.push(message.id));
      const unsubscribe = subscribe(store, ["r"], (message) => dropped.push(message.id));
      await store.append(post("r", "x", "c-1"));
      unsubscribe();
      unsubscribe();
      await store.append(post("r", "x", "c-1"));
      await store.append(post("r", "y"));
      expect(kept).toEqual([1n, 2n]);
      expect(dropped).toEqual([1n]);
    });

    it("reports its storage reachable to each watcher at once, until unwatched", async () => {
      const { store } = await openFresh();
      const seen: boolean[] = [];
      const unwatch = store.watchAvailability((available) => seen.push(available));
      store.watchAvailability((available) => seen.push(available))();
      unwatch();
      unwatch();
      await store.append(post("r", "x"));
      expect(seen).toEqual([true, true]);
    });

    it("stores appends already accepted when closed, then refuses every call", async () => {
      const { store } = await openFresh();
      const unsubscribe = subscribe(store, ["r"], () => {});
      const accepted = store.append(post("r", "last words"));
      await store.close();
      expect((await accepted).message.id).toBe(1n);
      await expect(store.append(post("r", "x"))).rejects.toThrow(MessageStoreClosedError);
      await expect(store.readAfter("r", 0n, 1)).rejects.toThrow(MessageStoreClosedError);
      await expect(store.stats(undefined)).rejects.toThrow(MessageStoreClosedError);
      expect(() => store.subscribe(() => {}, "r")).toThrow(MessageStoreClosedError);
      expect(() => store.watchAvailability(() => {})).toThrow(MessageStoreClosedError);
      unsubscribe();
      await store.close();
    });

    // Only a persistent backend has anything to reopen: the test is not registered for others.
    if (backend.persistent)
      it("keeps messages, id sequences and deduplication across reopen", async () => {
        const { store, reopen } = await openFresh();
        await fill(store, "a", 2);
        const original = await store.append(post("b", "x", "c-1"));
        const roomA = await store.readAfter("a", 0n, 10);
        const lastWords = store.append(post("a", "accepted while closing"));
        await store.close();

        const reopened = await reopen();
        expect(await reopened.readAfter("a", 0n, 10)).toEqual([
          ...roomA,
          (await lastWords).message,
        ]);
        expect(await reopened.readAfter("b", 0n, 10)).toEqual([original.message]);
        expect(await reopened.append(post("b", "x", "c-1"))).toEqual({
          message: original.message,
          duplicate: true,
        });
        expect((await reopened.append(post("a", "after reopen"))).message.id).toBe(4n);
        expect(await reopened.stats(undefined)).toEqual({ messageCount: 5n, roomCount: 2 });
      });
  });
}

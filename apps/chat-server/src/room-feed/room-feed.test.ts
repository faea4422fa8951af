import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createMemoryStore } from "../store/memory-store.js";
import {
  type AppendResult,
  type MessageStore,
  MessageStoreClosedError,
  type StoredMessage,
} from "../store/message-store.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import { observeStore } from "../test-support/observed-store.js";
import { openRoomFeed, type RoomFeed } from "./room-feed.js";
import { SlowConsumerError } from "./slow-consumer-error.js";

const root = mkdtempSync(join(tmpdir(), "chat-server-feed-"));
let files = 0;
const opened: MessageStore[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const backends = [
  { backend: "memory", create: () => createMemoryStore() },
  { backend: "sqlite", create: () => createSqliteStore({ path: join(root, `${++files}.db`) }) },
];

/** An observed memory store, closed after the test. */
function storeForTest() {
  const observed = observeStore(createMemoryStore());
  opened.push(observed.store);
  return observed;
}

function post(store: MessageStore, room: string, text = "hi"): Promise<AppendResult> {
  return store.append({ room, author: "ada", text, clientMessageId: "" });
}

async function fill(store: MessageStore, room: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) await post(store, room);
}

/** Reads `count` messages, leaving the feed open for more. */
async function read(messages: AsyncIterator<StoredMessage>, count: number): Promise<bigint[]> {
  const ids: bigint[] = [];
  while (ids.length < count) {
    const next = await messages.next();
    if (next.done === true) throw new Error(`the feed ended after ${ids.length} of ${count}`);
    ids.push(next.value.id);
  }
  return ids;
}

function range(from: number, to: number): bigint[] {
  return Array.from({ length: to - from + 1 }, (_, index) => BigInt(from + index));
}

function iterate(feed: RoomFeed): AsyncIterator<StoredMessage> {
  return feed[Symbol.asyncIterator]();
}

describe("openRoomFeed", () => {
  it("replays the room's stored messages after afterId, then live ones", async () => {
    const { store } = storeForTest();
    await fill(store, "r", 5);
    await fill(store, "other", 2);
    const feed = openRoomFeed({
      store,
      room: "r",
      afterId: 2n,
      pageSize: 2,
      signal: new AbortController().signal,
    });
    const messages = iterate(feed);
    expect(await read(messages, 3)).toEqual(range(3, 5));
    await post(store, "other");
    await post(store, "r");
    expect(await read(messages, 1)).toEqual([6n]);
  });

  it("without afterId, delivers only messages stored after it opened", async () => {
    const { store } = storeForTest();
    await fill(store, "r", 3);
    const messages = iterate(
      openRoomFeed({ store, room: "r", signal: new AbortController().signal }),
    );
    await fill(store, "r", 2);
    expect(await read(messages, 2)).toEqual([4n, 5n]);
  });

  describe.each(backends)("with the $backend store", ({ create }) => {
    it.each([1, 7, 256])(
      "delivers each message once, in order, while appends race a replay read %i at a time",
      async (pageSize) => {
        const store = create();
        opened.push(store);
        await fill(store, "r", 40);
        const feed = openRoomFeed({
          store,
          room: "r",
          afterId: 5n,
          pageSize,
          signal: new AbortController().signal,
        });
        // 3 appends before the first read, then 40 while reading: 83 in all.
        const appends = [post(store, "r"), post(store, "r"), post(store, "r")];
        let racing = 40;
        const received: bigint[] = [];
        for await (const message of feed) {
          received.push(message.id);
          if (racing-- > 0) appends.push(post(store, "r"), post(store, "other"));
          if (message.id === 83n) break;
        }
        await Promise.all(appends);
        expect(received).toEqual(range(6, 83));
      },
    );
  });

  it.each([
    { name: "live-only", afterId: undefined },
    { name: "replaying", afterId: 0n },
  ])(
    "reads from the store the live messages whose notifications are lost ($name)",
    async ({ afterId }) => {
      const { store, withhold } = storeForTest();
      withhold((message) => message.id % 2n === 0n || (message.id > 5n && message.id < 9n));
      const messages = iterate(
        openRoomFeed({ store, room: "r", afterId, signal: new AbortController().signal }),
      );
      await fill(store, "r", 5);
      expect(await read(messages, 5)).toEqual(range(1, 5));
      await fill(store, "r", 6);
      expect(await read(messages, 6)).toEqual(range(6, 11));
    },
  );

  it("drops late notifications of messages it already delivered", async () => {
    const { store, withhold, release } = storeForTest();
    withhold(() => true);
    const messages = iterate(
      openRoomFeed({ store, room: "r", afterId: 0n, signal: new AbortController().signal }),
    );
    await fill(store, "r", 3);
    expect(await read(messages, 3)).toEqual(range(1, 3));
    release();
    await post(store, "r");
    expect(await read(messages, 1)).toEqual([4n]);
  });

  it("does not count live messages the replay already covered against capacity", async () => {
    const { store } = storeForTest();
    const feed = openRoomFeed({
      store,
      room: "r",
      afterId: 0n,
      capacity: 3,
      signal: new AbortController().signal,
    });
    const messages = iterate(feed);
    await fill(store, "r", 3);
    expect(feed.queueLength).toBe(3);
    expect(await read(messages, 1)).toEqual([1n]);
    expect(feed.queueLength).toBe(0);
    await fill(store, "r", 3);
    expect(await read(messages, 5)).toEqual(range(2, 6));
  });

  it.each([
    {
      name: "a live-only reader that read nothing",
      afterId: undefined,
      reads: 0,
      lastDeliveredId: 2n,
    },
    { name: "a replaying reader that read nothing", afterId: 0n, reads: 0, lastDeliveredId: 0n },
    { name: "a reader in the middle of the replay", afterId: 0n, reads: 1, lastDeliveredId: 1n },
    { name: "a reader done with the replay", afterId: 0n, reads: 2, lastDeliveredId: 2n },
  ])(
    "ends $name with SlowConsumerError, never holding more than capacity",
    async ({ afterId, reads, lastDeliveredId }) => {
      const { store, listenerCount } = storeForTest();
      await fill(store, "r", 2);
      const feed = openRoomFeed({
        store,
        room: "r",
        afterId,
        capacity: 4,
        signal: new AbortController().signal,
      });
      const messages = iterate(feed);
      await read(messages, reads);
      for (let index = 0; index < 10; index++) {
        await post(store, "r");
        expect(feed.queueLength).toBeLessThanOrEqual(4);
      }
      expect(feed.queueHighWaterMark).toBe(4);
      expect(feed.queueLength).toBe(0);
      expect(listenerCount()).toBe(0);
      const ended = messages.next();
      await expect(ended).rejects.toThrow(SlowConsumerError);
      await expect(ended).rejects.toMatchObject({ room: "r", lastDeliveredId, capacity: 4 });
    },
  );

  it("ends and unsubscribes when aborted while the reader waits", async () => {
    const { store, listenerCount } = storeForTest();
    const controller = new AbortController();
    const messages = iterate(
      openRoomFeed({ store, room: "r", afterId: 0n, signal: controller.signal }),
    );
    const waiting = messages.next();
    expect(listenerCount()).toBe(1);
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(listenerCount()).toBe(0);
  });

  it("unsubscribes on abort even if nobody ever reads", () => {
    const { store, listenerCount } = storeForTest();
    const controller = new AbortController();
    openRoomFeed({ store, room: "r", signal: controller.signal });
    expect(listenerCount()).toBe(1);
    controller.abort();
    expect(listenerCount()).toBe(0);
  });

  it("unsubscribes when the reader leaves the loop", async () => {
    const { store, listenerCount } = storeForTest();
    await fill(store, "r", 3);
    for await (const message of openRoomFeed({
      store,
      room: "r",
      afterId: 0n,
      signal: new AbortController().signal,
    })) {
      if (message.id === 2n) break;
    }
    expect(listenerCount()).toBe(0);
  });

  it("is empty and never subscribes when the signal is already aborted", async () => {
    const { store, listenerCount } = storeForTest();
    await fill(store, "r", 3);
    const messages = iterate(
      openRoomFeed({ store, room: "r", afterId: 0n, signal: AbortSignal.abort() }),
    );
    expect(listenerCount()).toBe(0);
    expect(await messages.next()).toEqual({ done: true, value: undefined });
  });

  it("calls read()'s callback in a later microtask, never inside read() or the store's listener", async () => {
    const { store } = storeForTest();
    const feed = openRoomFeed({
      store,
      room: "r",
      afterId: 0n,
      signal: new AbortController().signal,
    });
    await fill(store, "r", 1);
    const received: bigint[] = [];
    let inside = false;
    const next = () =>
      new Promise<void>((resolve, reject) => {
        inside = true;
        feed.read(
          (result) => {
            if (inside) reject(new Error("read()'s callback ran synchronously"));
            else if (result.done) reject(new Error("the feed ended"));
            else {
              received.push(result.value.id);
              resolve();
            }
          },
          (error: unknown) => reject(error),
        );
        inside = false;
      });
    // The stored message, through a replay read.
    await next();
    // Caught up: this read waits for the next append, which the memory store notifies inside
    // append() itself.
    const live = next();
    inside = true;
    const appended = post(store, "r");
    inside = false;
    await Promise.all([live, appended]);
    expect(received).toEqual([1n, 2n]);
  });

  it("ends with the store's error when a read fails, and unsubscribes", async () => {
    const { store, listenerCount } = storeForTest();
    await fill(store, "r", 3);
    const messages = iterate(
      openRoomFeed({ store, room: "r", afterId: 0n, signal: new AbortController().signal }),
    );
    await store.close();
    await expect(messages.next()).rejects.toThrow(MessageStoreClosedError);
    expect(listenerCount()).toBe(0);
  });
});

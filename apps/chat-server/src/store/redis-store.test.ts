import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeMessageStoreContract } from "../test-support/message-store-contract.js";
import { describeWithRedis, startRedis, type TestRedis } from "../test-support/redis-server.js";
import { describeRetentionContract } from "../test-support/retention-contract.js";
import type { RetainingStore } from "./message-retention.js";
import {
  type AppendInput,
  type MessageStore,
  MessageStoreUnavailableError,
  type StoredMessage,
} from "./message-store.js";
import { createRedisStore } from "./redis-store.js";

let namespaces = 0;

/** A namespace no store has used yet: fresh, empty storage on a shared Redis. */
function freshNamespace(): string {
  namespaces++;
  return `test-${namespaces}:`;
}

function post(room: string, text: string, clientMessageId = ""): AppendInput {
  return { room, author: "ada", text, clientMessageId };
}

/** Everything `store` notifies, and a way to wait until it has heard `count` messages. */
function listen(store: MessageStore) {
  const heard: StoredMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  store.subscribe((message) => {
    heard.push(message);
    for (const waiter of waiters) if (heard.length >= waiter.count) waiter.resolve();
  });
  return {
    heard,
    ids: () => heard.map((message) => message.id),
    until: (count: number) =>
      heard.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

/** Whether `store` is available, as it reports, and a way to wait for a given state. */
function availabilityOf(store: MessageStore) {
  const states: boolean[] = [];
  const waiters: { state: boolean; resolve: () => void }[] = [];
  store.watchAvailability((available) => {
    states.push(available);
    for (const waiter of waiters) if (waiter.state === available) waiter.resolve();
  });
  return {
    states,
    until: (state: boolean) =>
      states.at(-1) === state
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ state, resolve })),
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => BigInt(from + index));

describeWithRedis("createRedisStore", { timeout: 10_000 }, () => {
  let redis: TestRedis;
  const opened: MessageStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => redis?.stop());

  async function open(namespace: string, url = redis.url): Promise<RetainingStore> {
    const store = await createRedisStore({ url, namespace });
    opened.push(store);
    return store;
  }

  describeMessageStoreContract("createRedisStore", {
    createStorage: () => {
      const namespace = freshNamespace();
      return () => createRedisStore({ url: redis.url, namespace });
    },
    persistent: true,
  });

  describeRetentionContract("createRedisStore", {
    createStorage: () => {
      const namespace = freshNamespace();
      return () => createRedisStore({ url: redis.url, namespace });
    },
    persistent: true,
  });

  it("retention leaves no key behind for what it removed: stream entries, clientMessageIds, counts", async () => {
    const namespace = freshNamespace();
    const store = await open(namespace);
    for (let index = 1; index <= 10; index++) {
      await store.append(post("r", `${index}`, `c-${index}`));
    }
    expect(await store.trimRoom("r", { maxMessages: 3 }, new Date(), 500)).toBe(7);
    const raw = new Redis(redis.url);
    try {
      expect(await raw.xlen(`${namespace}{r}:messages`)).toBe(3);
      expect(await raw.hkeys(`${namespace}{r}:client-ids:ada`)).toEqual(["c-8", "c-9", "c-10"]);
      expect(
        await raw.mget(`${namespace}message-count`, `${namespace}{r}:removed-through`),
      ).toEqual(["3", "7"]);
      await store.trimRoom("r", { maxMessages: 0 }, new Date(), 500);
      expect(await raw.exists(`${namespace}{r}:client-ids:ada`)).toBe(0);
      expect(await raw.smembers(`${namespace}rooms`)).toEqual([]);
      expect(await raw.get(`${namespace}{r}:last-id`)).toBe("10");
    } finally {
      raw.disconnect();
    }
  });

  describe("shared by two instances", () => {
    it("numbers concurrent appends from both without gaps; each hears all, in id order", async () => {
      const namespace = freshNamespace();
      const stores = [await open(namespace), await open(namespace)];
      const listeners = stores.map(listen);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          stores[index % 2]?.append(post("shared", `${index}`)),
        ),
      );
      const assigned = results.map((result) => result?.message.id ?? 0n);
      expect(assigned.toSorted((a, b) => (a < b ? -1 : 1))).toEqual(range(1, 200));
      for (const listener of listeners) {
        await listener.until(200);
        expect(listener.ids()).toEqual(range(1, 200));
      }
      expect(listeners[0]?.heard).toEqual(listeners[1]?.heard);
    });

    it("recognises a clientMessageId repeated to the other instance, even at the same moment", async () => {
      const namespace = freshNamespace();
      const [first, second] = [await open(namespace), await open(namespace)];
      const results = await Promise.all([
        first.append(post("r", "one", "c-1")),
        second.append(post("r", "one again", "c-1")),
      ]);
      expect(results.map(({ duplicate }) => duplicate).toSorted()).toEqual([false, true]);
      expect(results[0]?.message).toEqual(results[1]?.message);
      expect(await second.stats(undefined)).toEqual({ messageCount: 1n, roomCount: 1 });
    });
  });

  it("rejects at start with MessageStoreUnavailableError when Redis cannot be reached", async () => {
    const gone = await startRedis();
    await gone.stop();
    await expect(createRedisStore({ url: gone.url })).rejects.toThrow(
      /^the message store is unreachable: connect ECONNREFUSED/,
    );
    await expect(createRedisStore({ url: gone.url })).rejects.toBeInstanceOf(
      MessageStoreUnavailableError,
    );
  });

  describe("when Redis goes away", () => {
    let durable: TestRedis;
    beforeAll(async () => {
      durable = await startRedis({ durable: true });
    });
    afterAll(() => durable?.stop());

    it("fails calls at once while away, comes back by itself, and notifies every message exactly once", async () => {
      const namespace = freshNamespace();
      const poster = await open(namespace, durable.url);
      const follower = await open(namespace, durable.url);
      const availability = availabilityOf(poster);
      const heard = listen(follower);
      await poster.append(post("r", "before"));

      await durable.kill();
      await availability.until(false);
      for (const call of [
        poster.append(post("r", "while away", "c-away")),
        poster.readAfter("r", 0n, 10),
        poster.stats(undefined),
      ]) {
        await expect(call).rejects.toBeInstanceOf(MessageStoreUnavailableError);
      }

      await durable.restart();
      await availability.until(true);
      // The follower may still be reconnecting: it reads these from where it stopped.
      await poster.append(post("r", "while away", "c-away"));
      await poster.append(post("r", "after"));
      await heard.until(3);
      expect(heard.heard.map(({ id, text }) => [id, text])).toEqual([
        [1n, "before"],
        [2n, "while away"],
        [3n, "after"],
      ]);
      expect(availability.states).toEqual([true, false, true]);
    });

    it("closes promptly while Redis is away", async () => {
      const store = await open(freshNamespace(), durable.url);
      const availability = availabilityOf(store);
      await durable.kill();
      await availability.until(false);
      await store.close();
    });
  });
});

import { afterEach, expect, it } from "vitest";
import { createMemoryStore } from "./memory-store.js";
import type { RetainingStore } from "./message-retention.js";
import { type Retention, startRetention } from "./retention-trimmer.js";

const running: Retention[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((retention) => retention.stop()));
});

async function fill(store: RetainingStore, room: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      store.append({ room, author: "ada", text: `${index}`, clientMessageId: "" }),
    ),
  );
}

it("trims every room at start, in batches, and again when asked", async () => {
  const store = createMemoryStore();
  await fill(store, "a", 1_200);
  await fill(store, "b", 5);
  const passes: number[] = [];
  const retention = startRetention({
    store,
    policy: { maxMessages: 100 },
    batch: 250,
    intervalMs: 3_600_000,
    onTrimmed: (removed) => passes.push(removed),
  });
  running.push(retention);
  // Queued behind the pass that started with the trimmer: that one removed everything.
  expect(await retention.trimNow()).toBe(0);
  expect(passes).toEqual([1_100]);
  expect(await store.stats(undefined)).toEqual({ messageCount: 105n, roomCount: 2 });
  await fill(store, "a", 30);
  expect(await retention.trimNow()).toBe(30);
  expect(await store.idRange("a")).toEqual({ lastId: 1_230n, removedThrough: 1_130n });
});

it("trims by age against its injected clock", async () => {
  let clock = Date.parse("2025-06-01T12:00:00Z");
  const now = () => new Date(clock);
  const store = createMemoryStore({ now });
  await fill(store, "r", 3);
  clock += 30 * 60_000;
  await fill(store, "r", 2);
  const retention = startRetention({
    store,
    policy: { maxAgeMs: 3_600_000 },
    intervalMs: 3_600_000,
    now,
  });
  running.push(retention);
  expect(await retention.trimNow()).toBe(0);
  clock += 40 * 60_000;
  expect(await retention.trimNow()).toBe(3);
  clock += 30 * 60_000;
  expect(await retention.trimNow()).toBe(2);
  expect(await store.stats("r")).toEqual({ messageCount: 0n, roomCount: 0 });
});

it("runs a pass every interval on its own", async () => {
  const store = createMemoryStore();
  await fill(store, "r", 3);
  const trimmed: number[] = [];
  let heard: () => void = () => {};
  const retention = startRetention({
    store,
    policy: { maxMessages: 1 },
    intervalMs: 1,
    onTrimmed: (removed) => {
      trimmed.push(removed);
      heard();
    },
  });
  running.push(retention);
  await retention.trimNow();
  const next = new Promise<void>((resolve) => {
    heard = resolve;
  });
  await fill(store, "r", 4);
  await next;
  expect(trimmed).toEqual([2, 4]);
});

it("reports a failed pass and stops cleanly", async () => {
  const store = createMemoryStore();
  const errors: unknown[] = [];
  const retention = startRetention({
    store,
    policy: { maxMessages: 1 },
    intervalMs: 3_600_000,
    onError: (error) => errors.push(error),
  });
  await retention.trimNow();
  await store.close();
  expect(await retention.trimNow()).toBe(0);
  expect(errors).toHaveLength(1);
  await retention.stop();
  expect(await retention.trimNow()).toBe(0);
  expect(errors).toHaveLength(1);
});

import { describe, expect, it } from "vitest";
import { createBoundedQueue } from "./bounded-queue.js";

interface Item {
  readonly n: number;
}

const items = (...ns: number[]): Item[] => ns.map((n) => ({ n }));

describe("createBoundedQueue", () => {
  it.each([0, -1, 1.5, Number.NaN])("rejects capacity %s", (capacity) => {
    expect(() => createBoundedQueue<Item>(capacity)).toThrow(RangeError);
  });

  it("hands out items in order, waiting for the producer when empty", async () => {
    const queue = createBoundedQueue<Item>(3);
    for (const item of items(1, 2)) queue.push(item);
    expect(await queue.next()).toEqual({ n: 1 });
    expect(await queue.next()).toEqual({ n: 2 });
    const waiting = queue.next();
    queue.push({ n: 3 });
    expect(await waiting).toEqual({ n: 3 });
    expect(queue.length).toBe(0);
  });

  it("overflows instead of exceeding capacity: drops everything and refuses more", async () => {
    const queue = createBoundedQueue<Item>(3);
    const accepted = items(1, 2, 3, 4, 5).map((item) => {
      const ok = queue.push(item);
      expect(queue.length).toBeLessThanOrEqual(3);
      return ok;
    });
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(queue.length).toBe(0);
    expect(queue.highWaterMark).toBe(3);
    expect(await queue.next()).toBeUndefined();
  });

  it("answers a waiting consumer with undefined if it overflows before the consumer runs", async () => {
    const queue = createBoundedQueue<Item>(1);
    const waiting = queue.next();
    queue.push({ n: 1 });
    queue.push({ n: 2 });
    expect(await waiting).toBeUndefined();
  });

  it("tracks the high-water mark across reads", async () => {
    const queue = createBoundedQueue<Item>(10);
    for (const item of items(1, 2, 3, 4)) queue.push(item);
    await queue.next();
    await queue.next();
    queue.push({ n: 5 });
    expect([queue.length, queue.highWaterMark]).toEqual([3, 4]);
  });

  it("resolves undefined once closed, even with items waiting, and drops later items", async () => {
    const queue = createBoundedQueue<Item>(10);
    for (let round = 1; round <= 3; round++) {
      const waiting = queue.next();
      queue.push({ n: round });
      await waiting;
    }
    queue.push({ n: 4 });
    const waiting = queue.next();
    expect(await waiting).toEqual({ n: 4 });
    const parked = queue.next();
    queue.close();
    expect(await parked).toBeUndefined();
    expect(queue.push({ n: 5 })).toBe(true);
    expect(queue.length).toBe(0);
    expect(await queue.next()).toBeUndefined();
  });

  it("resolves undefined when closed with items waiting", async () => {
    const queue = createBoundedQueue<Item>(10);
    queue.push({ n: 1 });
    queue.close();
    expect(await queue.next()).toBeUndefined();
  });

  it("refuses a second concurrent consumer", async () => {
    const queue = createBoundedQueue<Item>(10);
    const first = queue.next();
    await expect(queue.next()).rejects.toThrow("another call is pending");
    queue.push({ n: 1 });
    expect(await first).toEqual({ n: 1 });
  });

  it("discards items from the head while the predicate holds", async () => {
    const queue = createBoundedQueue<Item>(10);
    for (const item of items(1, 2, 5, 3)) queue.push(item);
    queue.discardWhile((item) => item.n < 3);
    expect(queue.length).toBe(2);
    expect(await queue.next()).toEqual({ n: 5 });
  });
});

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

  it("hands out items in order, and wakes a consumer that found it empty at the next push", () => {
    const queue = createBoundedQueue<Item>(3);
    for (const item of items(1, 2)) queue.push(item);
    expect(queue.shift()).toEqual({ n: 1 });
    expect(queue.shift()).toEqual({ n: 2 });
    expect(queue.shift()).toBeUndefined();
    let woken = 0;
    queue.whenChanged(() => woken++);
    queue.push({ n: 3 });
    queue.push({ n: 4 });
    expect(woken).toBe(1);
    expect([queue.shift(), queue.shift()]).toEqual(items(3, 4));
    expect(queue.length).toBe(0);
  });

  it("overflows instead of exceeding capacity: drops everything and refuses more", () => {
    const queue = createBoundedQueue<Item>(3);
    const accepted = items(1, 2, 3, 4, 5).map((item) => {
      const ok = queue.push(item);
      expect(queue.length).toBeLessThanOrEqual(3);
      return ok;
    });
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(queue.length).toBe(0);
    expect(queue.highWaterMark).toBe(3);
    expect(queue.ended).toBe(true);
    expect(queue.shift()).toBeUndefined();
  });

  it("wakes a waiting consumer when it overflows, and then has nothing for it", () => {
    const queue = createBoundedQueue<Item>(1);
    queue.push({ n: 1 });
    expect(queue.shift()).toEqual({ n: 1 });
    let woken = false;
    queue.whenChanged(() => {
      woken = true;
    });
    queue.push({ n: 2 });
    expect(woken).toBe(true);
    queue.push({ n: 3 });
    expect([queue.ended, queue.shift()]).toEqual([true, undefined]);
  });

  it("tracks the high-water mark across reads", () => {
    const queue = createBoundedQueue<Item>(10);
    for (const item of items(1, 2, 3, 4)) queue.push(item);
    queue.shift();
    queue.shift();
    queue.push({ n: 5 });
    expect([queue.length, queue.highWaterMark]).toEqual([3, 4]);
  });

  it("ends when closed: wakes the consumer, drops what it holds and every later item", () => {
    const queue = createBoundedQueue<Item>(10);
    queue.push({ n: 1 });
    let woken = false;
    queue.whenChanged(() => {
      woken = true;
    });
    queue.close();
    expect(woken).toBe(true);
    expect(queue.push({ n: 2 })).toBe(true);
    expect([queue.ended, queue.length, queue.shift()]).toEqual([true, 0, undefined]);
  });

  it("refuses a second waiting consumer", () => {
    const queue = createBoundedQueue<Item>(10);
    queue.whenChanged(() => {});
    expect(() => queue.whenChanged(() => {})).toThrow("a consumer is already waiting");
  });

  it("discards items from the head while the predicate holds", () => {
    const queue = createBoundedQueue<Item>(10);
    for (const item of items(1, 2, 5, 3)) queue.push(item);
    queue.discardWhile((item) => item.n < 3);
    expect(queue.length).toBe(2);
    expect(queue.shift()).toEqual({ n: 5 });
  });
});

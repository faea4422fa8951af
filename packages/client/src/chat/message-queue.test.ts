import { describe, expect, it } from "vitest";
import { createMessageQueue } from "./message-queue.js";

describe("createMessageQueue", () => {
  it("signals pressure at the high mark and relief at half of it; yields in order", async () => {
    const pressure: boolean[] = [];
    const queue = createMessageQueue<number>({
      high: 4,
      onPressure: (full) => pressure.push(full),
    });
    for (let i = 1; i <= 5; i++) queue.push(i);
    expect(pressure).toEqual([true]);
    expect(queue.full()).toBe(true);
    const reader = queue[Symbol.asyncIterator]();
    expect((await reader.next()).value).toBe(1);
    expect(pressure).toEqual([true]);
    expect((await reader.next()).value).toBe(2);
    expect(pressure).toEqual([true]);
    expect((await reader.next()).value).toBe(3);
    expect(pressure).toEqual([true, false]);
    queue.end();
    expect([(await reader.next()).value, (await reader.next()).value]).toEqual([4, 5]);
    expect((await reader.next()).done).toBe(true);
  });

  it("wakes a waiting reader, and throws a failure after what was queued", async () => {
    const queue = createMessageQueue<string>({ high: 10, onPressure: () => {} });
    const reader = queue[Symbol.asyncIterator]();
    const next = reader.next();
    queue.push("a");
    expect((await next).value).toBe("a");
    queue.push("b");
    queue.fail(new Error("gone"));
    queue.push("ignored after the end");
    expect((await reader.next()).value).toBe("b");
    await expect(reader.next()).rejects.toThrow("gone");
  });
});

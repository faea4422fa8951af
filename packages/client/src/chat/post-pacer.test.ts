import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPostPacer } from "./post-pacer.js";

describe("createPostPacer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends nothing of its own until a post is refused", () => {
    const sent: string[] = [];
    const pacer = createPostPacer((id) => sent.push(id) > 0);
    expect(pacer.queue("a", 1)).toBe(false);
    expect(pacer.drained()).toBeUndefined();
    pacer.answered("a");
    expect(sent).toEqual([]);
  });

  it("resends refused posts after the hint, one at a time, in order, with later posts behind", async () => {
    const sent: string[] = [];
    const pacer = createPostPacer((id) => sent.push(id) > 0);
    pacer.refused("p3", 3, 100);
    expect(pacer.queue("p5", 5)).toBe(true);
    // p4's refusal comes after p5 was queued: p4 still goes first.
    pacer.refused("p4", 4, 100);
    let drained = false;
    pacer.drained()?.then(() => {
      drained = true;
    });
    vi.advanceTimersByTime(99);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(["p3"]);
    // Refused again: back to the head of the queue, after a new wait.
    pacer.refused("p3", 3, 50);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual(["p3", "p3"]);
    pacer.answered("p3");
    expect(sent).toEqual(["p3", "p3", "p4"]);
    pacer.answered("p4");
    expect(sent).toEqual(["p3", "p3", "p4", "p5"]);
    await Promise.resolve();
    expect(drained).toBe(false);
    pacer.answered("p5");
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(pacer.queue("p6", 6)).toBe(false);
  });

  it("holds a server's hint to at most a minute", () => {
    const sent: string[] = [];
    const pacer = createPostPacer((id) => sent.push(id) > 0);
    pacer.refused("p1", 1, 2 ** 32 - 1);
    vi.advanceTimersByTime(59_999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(["p1"]);
  });

  it("skips posts that are gone, and reset forgets every waiting post", async () => {
    const sent: string[] = [];
    const pacer = createPostPacer((id) => id !== "gone" && sent.push(id) > 0);
    pacer.refused("gone", 1, 10);
    pacer.refused("kept", 2, 10);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual(["kept"]);
    pacer.refused("later", 3, 10);
    const drained = pacer.drained();
    pacer.reset();
    await expect(drained).resolves.toBeUndefined();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(["kept"]);
  });
});

import { describe, expect, it } from "vitest";
import { createPerKeyConcurrency } from "./per-key-concurrency.js";

describe("createPerKeyConcurrency", () => {
  it("allows `limit` slots per key, independently for each key", () => {
    const limits = createPerKeyConcurrency(2);
    expect(limits.acquire("a")).toBeTypeOf("function");
    expect(limits.acquire("a")).toBeTypeOf("function");
    expect(limits.acquire("a")).toBeUndefined();
    expect(limits.acquire("b")).toBeTypeOf("function");
    expect(limits.held("a")).toBe(2);
    expect(limits.held("b")).toBe(1);
  });

  it("gives a slot back once, however often release is called", () => {
    const limits = createPerKeyConcurrency(1);
    const release = limits.acquire("a");
    expect(limits.acquire("a")).toBeUndefined();
    release?.();
    release?.();
    expect(limits.held("a")).toBe(0);
    const again = limits.acquire("a");
    expect(again).toBeTypeOf("function");
    release?.();
    expect(limits.held("a")).toBe(1);
  });

  it("refuses a limit below 1", () => {
    expect(() => createPerKeyConcurrency(0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import type { Principal } from "./principal.js";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

const alice: Principal = { kind: "user", subject: "alice", scopes: new Set(), via: "jwt" };

describe("createVerifiedTokenCache", () => {
  it("serves a token from its nbf until its exp, and never after", () => {
    const cache = createVerifiedTokenCache();
    cache.set("t", alice, 1_000, 2_000);
    expect(cache.get("t", 999)).toBeUndefined();
    expect(cache.get("t", 1_000)).toBe(alice);
    expect(cache.get("t", 1_999)).toBe(alice);
    expect(cache.get("t", 2_000)).toBeUndefined();
    expect(cache.get("t", 1_500)).toBeUndefined();
  });

  it("holds at most its capacity, dropping the oldest token", () => {
    const cache = createVerifiedTokenCache(2);
    cache.set("a", alice, 0, 10);
    cache.set("b", alice, 0, 10);
    cache.set("c", alice, 0, 10);
    expect(cache.get("a", 1)).toBeUndefined();
    expect(cache.get("b", 1)).toBe(alice);
    expect(cache.get("c", 1)).toBe(alice);
  });
});

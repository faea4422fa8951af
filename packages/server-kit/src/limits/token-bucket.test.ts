import { describe, expect, it } from "vitest";
import { createTokenBuckets } from "./token-bucket.js";

/** A clock the test moves by hand. */
function manualClock(start = 1_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

describe("createTokenBuckets", () => {
  it("allows a burst of `burst` takes, then refuses with the wait until the next token", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ ratePerSecond: 20, burst: 3, now: clock.now });
    const results = Array.from({ length: 5 }, () => buckets.take("a"));
    expect(results).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
      { ok: false, retryAfterMs: 50 },
      { ok: false, retryAfterMs: 50 },
    ]);
  });

  it("refills at the rate: accepts again after exactly the advised wait, not before", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ ratePerSecond: 3, burst: 1, now: clock.now });
    expect(buckets.take("a")).toEqual({ ok: true });
    const refused = buckets.take("a");
    expect(refused).toEqual({ ok: false, retryAfterMs: 334 });
    clock.advance(200);
    // A refused take spends nothing: the wait left is what remained of the first one.
    expect(buckets.take("a")).toEqual({ ok: false, retryAfterMs: 134 });
    clock.advance(133);
    expect(buckets.take("a").ok).toBe(false);
    clock.advance(1);
    expect(buckets.take("a")).toEqual({ ok: true });
  });

  it("never holds more than `burst` tokens, however long a key was idle", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ ratePerSecond: 10, burst: 2, now: clock.now });
    buckets.take("a");
    clock.advance(60_000);
    expect([buckets.take("a"), buckets.take("a"), buckets.take("a").ok]).toEqual([
      { ok: true },
      { ok: true },
      false,
    ]);
  });

  it("keeps a bucket per key", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 1, now: clock.now });
    expect(buckets.take("user:ada").ok).toBe(true);
    expect(buckets.take("user:ada").ok).toBe(false);
    expect(buckets.take("user:bob").ok).toBe(true);
    expect(buckets.take("peer:10.0.0.1").ok).toBe(true);
  });

  it("drops buckets that have refilled, so memory is bounded by the keys active lately", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ ratePerSecond: 10, burst: 5, now: clock.now });
    for (let key = 0; key < 10_000; key++) buckets.take(`peer:${key}`);
    expect(buckets.size).toBe(10_000);
    // 5 tokens at 10/s: every one of those buckets is full again after 500 ms.
    clock.advance(500);
    buckets.take("peer:new");
    expect(buckets.size).toBe(1);
  });

  it("keeps a bucket that is still refilling when it sweeps", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ ratePerSecond: 10, burst: 5, now: clock.now });
    clock.advance(400);
    for (let take = 0; take < 5; take++) buckets.take("busy");
    clock.advance(100);
    // The sweep due now (500 ms after the last) finds "busy" one token up, not full.
    buckets.take("other");
    expect(buckets.size).toBe(2);
    expect(buckets.take("busy")).toEqual({ ok: true });
    expect(buckets.take("busy")).toEqual({ ok: false, retryAfterMs: 100 });
  });

  it.each([
    { ratePerSecond: 0, burst: 1 },
    { ratePerSecond: -1, burst: 1 },
    { ratePerSecond: Number.NaN, burst: 1 },
    { ratePerSecond: 1, burst: 0 },
    { ratePerSecond: 1, burst: 1.5 },
  ])("refuses rate $ratePerSecond with burst $burst", (options) => {
    expect(() => createTokenBuckets(options)).toThrow(RangeError);
  });
});

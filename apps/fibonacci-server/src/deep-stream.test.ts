import type { StreamSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import { settled } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FibonacciFixture, startFibonacci } from "./test-support/start-fibonacci.js";

// The deep stream of issue 14: F(0) … F(99,999) in one StreamSequence, about a gigabyte of digits.
const COUNT = 100_000;
const EVERY = 997;

/**
 * F(0), F(997), F(1994), … below `count` in decimal, by plain BigInt additions: a reference
 * that shares no code with the server's decimal arithmetic.
 */
function sampledReference(count: number): Map<number, string> {
  const sampled = new Map<number, string>();
  let [a, b] = [0n, 1n];
  for (let index = 0; index < count; index++) {
    if (index % EVERY === 0) sampled.set(index, a.toString());
    [a, b] = [b, a + b];
  }
  return sampled;
}

describe("the deep stream", () => {
  let server: FibonacciFixture;
  beforeAll(async () => {
    server = await startFibonacci();
  });
  afterAll(() => server.stop());

  it("F(0) … F(99,999) arrive in order, every 997th equal to the reference, the rest the right length", async () => {
    const reference = sampledReference(COUNT);
    const stream = server.client.streamSequence({ start: 0, count: COUNT });
    let expectedIndex = 0;
    const mismatches: string[] = [];
    let previousLength = 1;
    await new Promise<void>((resolve, reject) => {
      stream.on("data", ({ number }: StreamSequenceResponse) => {
        const index = number?.index ?? -1;
        const value = number?.value ?? "";
        const sample = reference.get(index);
        // Between samples, a cheap check: F(n) has as many digits as F(n − 1), or one more.
        const lengthOk = value.length - previousLength === 0 || value.length - previousLength === 1;
        if (index !== expectedIndex || (sample !== undefined ? value !== sample : !lengthOk))
          mismatches.push(`index ${index} (expected ${expectedIndex}), ${value.length} digits`);
        previousLength = value.length;
        expectedIndex++;
      });
      stream.on("error", reject).on("end", resolve);
    });
    expect(mismatches).toEqual([]);
    expect(expectedIndex).toBe(COUNT);
    expect(server.metrics.pooledBatches).toBeGreaterThan(1);
  }, 120_000);

  it("a paused deep reader holds the server's work ahead of it to a few batches, and a cancel ends it", async () => {
    // F(650,000) and on have about 135,800 digits: one number per 256 KiB batch.
    const before = { ...server.metrics };
    const stream = server.client.streamSequence({ start: 650_000, count: 10_000 });
    const ended = new Promise<unknown>((resolve) => stream.on("error", resolve).on("end", resolve));
    let received = 0;
    await new Promise<void>((resolve) =>
      stream.on("data", () => {
        received++;
        if (received === 3) {
          stream.pause();
          resolve();
        }
      }),
    );
    const produced = await settled(() => server.metrics.produced - before.produced);
    const computed = server.metrics.pooledBatches - before.pooledBatches;
    // What the server computed but has not handed on: the batch computed ahead, at most.
    expect(computed - produced).toBeLessThanOrEqual(2);
    // Beyond that, only what flow control and the send buffer (--stream-buffer-bytes) admit.
    expect(produced - received).toBeLessThan(64);
    stream.cancel();
    await ended;
    expect(await settled(() => server.metrics.activeStreams)).toBe(0);
    expect(server.metrics.pooledBatches - before.pooledBatches).toBeLessThanOrEqual(produced + 2);
  });
});

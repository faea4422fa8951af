import { afterEach, describe, expect, it } from "vitest";
import { referenceSequence } from "../test-support/start-fibonacci.js";
import { computeBatch } from "./sequence-batch.js";
import { createSequencePool, type SequencePool } from "./sequence-pool.js";

const reference = referenceSequence(2_001).map(String);

describe("computeBatch", () => {
  it("chained batches give the reference sequence, each under maxDigits or one number", () => {
    const values: string[] = [];
    let batch = computeBatch({ start: 0, count: 2_001, maxDigits: 5_000 });
    values.push(...batch.values);
    while (values.length < 2_001) {
      const request = { start: values.length, count: 2_001 - values.length, maxDigits: 5_000 };
      batch = computeBatch({ ...request, state: batch.state });
      const digits = batch.values.reduce((sum, v) => sum + v.length, 0);
      expect(digits - (batch.values.at(-1)?.length ?? 0)).toBeLessThan(5_000);
      values.push(...batch.values);
    }
    expect(values).toEqual(reference);
  });

  it("always holds one number, however small maxDigits is", () => {
    expect(computeBatch({ start: 2_000, count: 5, maxDigits: 1 }).values).toEqual([
      reference[2_000],
    ]);
  });
});

describe("the compute pool", () => {
  let pool: SequencePool | undefined;
  afterEach(() => pool?.close());

  it("queues at most maxQueue jobs, refusing the next without queuing it", async () => {
    pool = createSequencePool(1, 1);
    const job = { start: 300_000, count: 1, maxDigits: 1 };
    const first = pool.tryRun(job); // runs
    const second = pool.tryRun(job); // waits
    expect(pool.queued()).toBe(1);
    expect(pool.tryRun(job)).toBeUndefined();
    const [a, b] = await Promise.all([first, second]);
    expect(a?.values).toEqual(b?.values);
    expect(pool.queued()).toBe(0);
  });

  it("drops a queued job when its signal fires", async () => {
    pool = createSequencePool(1, 4);
    const first = pool.tryRun({ start: 300_000, count: 1, maxDigits: 1 });
    const controller = new AbortController();
    const second = pool.tryRun({ start: 10, count: 1, maxDigits: 1 }, controller.signal);
    const reason = new Error("cancelled");
    controller.abort(reason);
    await expect(second).rejects.toBe(reason);
    expect(pool.queued()).toBe(0);
    expect((await first)?.values).toHaveLength(1);
  });

  it("close fails the jobs still pending and refuses new ones", async () => {
    pool = createSequencePool(1, 4);
    const pending = pool.tryRun({ start: 300_000, count: 1, maxDigits: 1 });
    const queued = pool.tryRun({ start: 300_000, count: 1, maxDigits: 1 });
    const failures = [pending, queued].map((job) => expect(job).rejects.toThrow(/closed/));
    await pool.close();
    await Promise.all(failures);
    await expect(pool.tryRun({ start: 1, count: 1, maxDigits: 1 })).rejects.toThrow(/closed/);
  });
});

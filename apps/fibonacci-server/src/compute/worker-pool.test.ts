import { afterEach, describe, expect, it } from "vitest";
import { referenceSequence } from "../test-support/start-fibonacci.js";
import { type BatchResult, computeBatch, termsOf } from "./sequence-batch.js";
import { createSequencePool, type SequencePool } from "./sequence-pool.js";

const reference = referenceSequence(2_001).map(String);

const valuesOf = (start: number, batch: BatchResult) => termsOf(start, batch).map((t) => t.value);

describe("computeBatch", () => {
  it("chained batches give the reference sequence, each under maxBytes or one number", () => {
    const values: string[] = [];
    let batch = computeBatch({ start: 0, count: 2_001, maxBytes: 5_000 });
    values.push(...valuesOf(0, batch));
    while (values.length < 2_001) {
      const request = { start: values.length, count: 2_001 - values.length, maxBytes: 5_000 };
      batch = computeBatch({ ...request, state: batch.state });
      const terms = termsOf(request.start, batch);
      const bytes = terms.reduce((sum, t) => sum + t.bytes.length, 0);
      expect(terms.length === 1 || bytes <= 5_000).toBe(true);
      values.push(...terms.map((t) => t.value));
    }
    expect(values).toEqual(reference);
  });

  it("always holds one number, however small maxBytes is", () => {
    expect(valuesOf(2_000, computeBatch({ start: 2_000, count: 5, maxBytes: 1 }))).toEqual([
      reference[2_000],
    ]);
  });
});

describe("the compute pool", () => {
  let pool: SequencePool | undefined;
  afterEach(() => pool?.close());

  it("queues at most maxQueue jobs, refusing the next without queuing it", async () => {
    pool = createSequencePool(1, 1);
    const job = { start: 300_000, count: 1, maxBytes: 1 };
    const first = pool.tryRun(job); // runs
    const second = pool.tryRun(job); // waits
    expect(pool.queued()).toBe(1);
    expect(pool.tryRun(job)).toBeUndefined();
    const [a, b] = await Promise.all([first, second]);
    expect(a && valuesOf(300_000, a)).toEqual(b && valuesOf(300_000, b));
    expect(pool.queued()).toBe(0);
  });

  it("drops a queued job when its signal fires", async () => {
    pool = createSequencePool(1, 4);
    const first = pool.tryRun({ start: 300_000, count: 1, maxBytes: 1 });
    const controller = new AbortController();
    const second = pool.tryRun({ start: 10, count: 1, maxBytes: 1 }, controller.signal);
    const reason = new Error("cancelled");
    controller.abort(reason);
    await expect(second).rejects.toBe(reason);
    expect(pool.queued()).toBe(0);
    expect((await first)?.bounds).toHaveLength(2);
  });

  it("close fails the jobs still pending and refuses new ones", async () => {
    pool = createSequencePool(1, 4);
    const pending = pool.tryRun({ start: 300_000, count: 1, maxBytes: 1 });
    const queued = pool.tryRun({ start: 300_000, count: 1, maxBytes: 1 });
    const failures = [pending, queued].map((job) => expect(job).rejects.toThrow(/closed/));
    await pool.close();
    await Promise.all(failures);
    await expect(pool.tryRun({ start: 1, count: 1, maxBytes: 1 })).rejects.toThrow(/closed/);
  });
});

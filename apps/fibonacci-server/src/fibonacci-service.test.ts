import { ERROR_LEVEL, settled } from "@fibchat/server-kit/testing";
import { status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  collect,
  type FibonacciFixture,
  failure,
  getSequence,
  referenceSequence,
  startFibonacci,
} from "./test-support/start-fibonacci.js";

const reference = referenceSequence(10_101);
const asMessages = (start: number, count: number) =>
  reference
    .slice(start, start + count)
    .map((value, i) => ({ index: start + i, value: value.toString() }));

describe("values", () => {
  let server: FibonacciFixture;
  beforeAll(async () => {
    server = await startFibonacci();
  });
  afterAll(() => server.stop());

  it.each([0, 1, 2, 92, 93, 94, 1000, 10_000])(
    "GetSequence at n = %i matches the reference",
    async (n) => {
      const response = await getSequence(server.client, { start: n, count: 1 });
      expect(response.numbers).toEqual(asMessages(n, 1));
    },
  );

  it("GetSequence from a start deep in the sequence", async () => {
    const response = await getSequence(server.client, { start: 10_000, count: 100 });
    expect(response.numbers).toEqual(asMessages(10_000, 100));
  });

  it("count 0 gives an empty response and an empty stream", async () => {
    expect(await getSequence(server.client, { start: 0, count: 0 })).toEqual({ numbers: [] });
    expect(await collect(server.client.streamSequence({ start: 5, count: 0 }))).toEqual([]);
  });

  it("StreamSequence sends every number once, in index order", async () => {
    const messages = await collect(server.client.streamSequence({ start: 0, count: 2_000 }));
    expect(messages.map((m) => m.number)).toEqual(asMessages(0, 2_000));
  });

  it("a broken stream resumes with start = last index + 1", async () => {
    const first = server.client.streamSequence({ start: 90, count: 50 });
    const seen: number[] = [];
    const cancelled = failure(
      new Promise((resolve, reject) => {
        first.on("data", ({ number }: { number?: { index: number } }) => {
          if (number) seen.push(number.index);
          if (seen.length === 7) first.cancel();
        });
        first.on("error", reject).on("end", resolve);
      }),
    );
    expect((await cancelled).code).toBe(status.CANCELLED);
    const last = seen.at(-1) ?? 89;
    const rest = await collect(
      server.client.streamSequence({ start: last + 1, count: 140 - (last + 1) }),
    );
    const indices = [...seen, ...rest.map((m) => m.number?.index)];
    expect(indices).toEqual(Array.from({ length: 50 }, (_, i) => 90 + i));
    expect(rest.map((m) => m.number)).toEqual(asMessages(last + 1, 140 - (last + 1)));
  });
});

describe("limits and bad input", () => {
  let server: FibonacciFixture;
  beforeAll(async () => {
    server = await startFibonacci({
      maxCount: 1_000,
      maxIndex: 50_000,
      maxSendMessageBytes: 64 * 1024,
    });
  });
  afterAll(() => server.stop());

  it.each([
    [
      "count over --max-count",
      { start: 0, count: 1_001 },
      status.INVALID_ARGUMENT,
      /count 1001 .*--max-count/,
    ],
    [
      "last index over --max-index",
      { start: 49_990, count: 20 },
      status.INVALID_ARGUMENT,
      /50009 .*--max-index/,
    ],
    [
      "start past --max-index",
      { start: 4_000_000_000, count: 0 },
      status.INVALID_ARGUMENT,
      /--max-index/,
    ],
    [
      "a response over the message size",
      { start: 40_000, count: 1_000 },
      status.RESOURCE_EXHAUSTED,
      /StreamSequence/,
    ],
  ])("GetSequence: %s", async (_name, request, code, message) => {
    const error = await failure(getSequence(server.client, request));
    expect(error.code).toBe(code);
    expect(error.details).toMatch(message);
  });

  it.each([
    ["count over --max-count", { start: 0, count: 1_001 }, /--max-count/],
    ["last index over --max-index", { start: 50_000, count: 2 }, /--max-index/],
  ])("StreamSequence: %s", async (_name, request, message) => {
    const error = await failure(collect(server.client.streamSequence(request)));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(message);
  });

  it("streams what GetSequence refuses as too large", async () => {
    const messages = await collect(server.client.streamSequence({ start: 40_000, count: 20 }));
    expect(messages).toHaveLength(20);
  });

  it("logs no error for any of them", () => {
    expect(server.logs.lines().filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });
});

describe("streaming respects the client", () => {
  let server: FibonacciFixture;
  beforeAll(async () => {
    server = await startFibonacci();
  });
  afterAll(() => server.stop());
  afterEach(() => waitFor(() => server.metrics.activeStreams === 0));

  it("a client that stops reading holds the server's production bounded", async () => {
    const before = server.metrics.produced;
    const stream = server.client.streamSequence({ start: 0, count: 100_000 });
    stream.on("error", () => {});
    let received = 0;
    let onReceived = () => {};
    stream.on("data", () => {
      received++;
      onReceived();
    });
    const receivedAtLeast = (n: number) =>
      new Promise<void>((resolve) => {
        onReceived = () => received >= n && resolve();
      });

    await receivedAtLeast(100);
    stream.pause();
    const produced = await settled(() => server.metrics.produced - before);
    // Messages sit in HTTP/2 flow-control windows and grpc-js's write buffer; what matters is a
    // bound far below the 100,000 requested, reached with the reader stalled.
    expect(produced - received).toBeLessThan(10_000);
    expect(server.metrics.activeStreams).toBe(1);

    // Reading again lets production continue from where it stopped.
    stream.resume();
    await receivedAtLeast(produced + 100);
    expect(server.metrics.produced - before).toBeGreaterThanOrEqual(produced + 100);
    stream.cancel();
  });

  it.each([
    ["cancels", { cancelAfter: 50 }, status.CANCELLED],
    ["lets the deadline pass", { deadlineMs: 300 }, status.DEADLINE_EXCEEDED],
  ])("production stops at once when the client %s", async (_name, how, code) => {
    const options = "deadlineMs" in how ? { deadline: Date.now() + how.deadlineMs } : {};
    const earlier = new Set(server.logs.lines());
    const stream = server.client.streamSequence({ start: 0, count: 100_000 }, options);
    let received = 0;
    const ended = failure(
      new Promise((resolve, reject) => {
        stream.on("data", () => {
          received++;
          if ("cancelAfter" in how && received === how.cancelAfter) stream.cancel();
          // A slow reader: pause and never resume, so only cancel or deadline can end the call.
          if (received === 60) stream.pause();
        });
        stream.on("error", reject).on("end", resolve);
      }),
    );
    expect((await ended).code).toBe(code);
    await waitFor(() => server.metrics.activeStreams === 0);
    const stoppedAt = server.metrics.produced;
    // The generator has returned (activeStreams is 0), so no further number can be computed.
    expect(stoppedAt).toBeLessThan(100_000 * 10);
    const line = await server.logs.waitFor(
      (l) =>
        !earlier.has(l) &&
        l.msg === "rpc finished" &&
        l.method === "/fibonacci.v1.FibonacciService/StreamSequence",
    );
    // When the client's deadline passes, its RST_STREAM and the server's own deadline timer race:
    // the server logs DEADLINE_EXCEEDED if its timer fires first, CANCELLED if the reset arrives
    // first (the server learns the deadline later than the client, by the request's transit).
    const logged = code === status.CANCELLED ? ["CANCELLED"] : ["DEADLINE_EXCEEDED", "CANCELLED"];
    expect(logged).toContain(line.code);
    expect(server.logs.lines().filter((l) => l.level >= ERROR_LEVEL)).toEqual([]);
  });
});

/** Polls `condition` every 10 ms until it holds (at most 10 s). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 1_000; tries++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not reached within 10 s");
}

import { fileURLToPath } from "node:url";
import { GetSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import { sampleKey, scrape, spawnServer } from "@fibchat/server-kit/testing";
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { ENTRY_OVERHEAD_BYTES } from "./fibonacci/answer-cache.js";
import {
  type FibonacciFixture,
  failure,
  getSequence,
  startFibonacci,
} from "./test-support/start-fibonacci.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const SERVICE = "fibonacci.v1.FibonacciService";
const getLabels = { grpc_type: "unary", grpc_service: SERVICE, grpc_method: "GetSequence" };
const streamLabels = {
  grpc_type: "server_stream",
  grpc_service: SERVICE,
  grpc_method: "StreamSequence",
};

let server: FibonacciFixture | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function metricsUrl(fixture: FibonacciFixture): Promise<string> {
  const line = await fixture.logs.waitFor((entry) => typeof entry.metrics === "string");
  return String(line.metrics);
}

describe("Fibonacci server metrics", () => {
  it("after 4 OK (one a repeat) and 2 INVALID_ARGUMENT GetSequence and a cancelled stream, count exactly that", async () => {
    server = await startFibonacci({
      metricsAddress: { host: "127.0.0.1", port: 0 },
      maxCount: 100,
      deepIndex: 1_000_000,
    });
    const { client } = server;
    // Each distinct answer is kept in the answer cache, charged its bytes and a fixed overhead.
    let cachedBytes = 0;
    for (const count of [1, 5, 20]) {
      const response = await getSequence(client, { start: 0, count });
      cachedBytes += GetSequenceResponse.encode(response).finish().length + ENTRY_OVERHEAD_BYTES;
    }
    await getSequence(client, { start: 0, count: 5 });
    for (const count of [101, 500]) {
      expect((await failure(getSequence(client, { start: 0, count }))).code).toBe(
        status.INVALID_ARGUMENT,
      );
    }
    const stream = client.streamSequence({ start: 0, count: 100 });
    const ended = failure(
      new Promise((resolve, reject) => stream.on("error", reject).on("end", resolve)),
    );
    await new Promise((resolve) => stream.once("data", resolve));
    stream.pause();
    stream.cancel();
    expect((await ended).code).toBe(status.CANCELLED);

    const url = await metricsUrl(server);
    const cancelled = sampleKey("grpc_server_handled_total", {
      ...streamLabels,
      grpc_code: "CANCELLED",
    });
    // The server hears of the cancel on its own schedule: scrape until it has counted it.
    let samples = await scrape(url);
    while (samples.get(cancelled) !== 1 || samples.get("fibchat_fibonacci_streams_active") !== 0)
      samples = await scrape(url);

    const sent = samples.get(sampleKey("grpc_server_msg_sent_total", streamLabels)) ?? 0;
    const produced =
      samples.get(
        sampleKey("fibchat_fibonacci_numbers_produced_total", { grpc_method: "StreamSequence" }),
      ) ?? 0;
    expect(sent).toBeGreaterThanOrEqual(1);
    // A number is counted when computed; the cancel can cut off the ones written but not sent.
    expect(produced).toBeGreaterThanOrEqual(sent);
    const nonZero = new Map(
      [...samples].filter(
        ([key, value]) =>
          value !== 0 &&
          (key.startsWith("grpc_server_") || key.startsWith("fibchat_")) &&
          !key.startsWith("grpc_server_handling_seconds_sum") &&
          !(key.startsWith("grpc_server_handling_seconds_bucket") && !key.includes('le="+Inf"')),
      ),
    );
    expect(nonZero).toEqual(
      new Map([
        [sampleKey("grpc_server_started_total", getLabels), 6],
        [sampleKey("grpc_server_msg_received_total", getLabels), 6],
        [sampleKey("grpc_server_msg_sent_total", getLabels), 4],
        [sampleKey("grpc_server_handled_total", { ...getLabels, grpc_code: "OK" }), 4],
        [
          sampleKey("grpc_server_handled_total", { ...getLabels, grpc_code: "INVALID_ARGUMENT" }),
          2,
        ],
        [sampleKey("grpc_server_handling_seconds_count", getLabels), 6],
        [sampleKey("grpc_server_handling_seconds_bucket", { ...getLabels, le: "+Inf" }), 6],
        [sampleKey("grpc_server_started_total", streamLabels), 1],
        [sampleKey("grpc_server_msg_received_total", streamLabels), 1],
        [sampleKey("grpc_server_msg_sent_total", streamLabels), sent],
        [cancelled, 1],
        [sampleKey("grpc_server_handling_seconds_count", streamLabels), 1],
        [sampleKey("grpc_server_handling_seconds_bucket", { ...streamLabels, le: "+Inf" }), 1],
        [
          sampleKey("fibchat_fibonacci_numbers_produced_total", { grpc_method: "GetSequence" }),
          1 + 5 + 20 + 5,
        ],
        [
          sampleKey("fibchat_fibonacci_numbers_produced_total", {
            grpc_method: "StreamSequence",
          }),
          produced,
        ],
        ["fibchat_fibonacci_answer_cache_hits_total", 1],
        ["fibchat_fibonacci_answer_cache_bytes", cachedBytes],
      ]),
    );
    for (const limit of ["streams_per_user", "deep_calls_per_user", "compute_queue"]) {
      expect(samples.get(sampleKey("fibchat_fibonacci_refused_total", { limit }))).toBe(0);
    }
    expect(samples.get("fibchat_fibonacci_deep_calls_active")).toBe(0);
    expect(samples.get("fibchat_fibonacci_pooled_batches_total")).toBe(0);
  });

  it("the process announces its metrics URL even at --log-level warn, and closes it on SIGTERM", async () => {
    const spawned = await spawnServer(MAIN, [
      "--log-level",
      "warn",
      "--metrics-address",
      "127.0.0.1:0",
    ]);
    const line = spawned.lines.find((entry) => typeof entry.metrics === "string");
    const url = String(line?.metrics);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(line?.msg).toBe(`metrics on ${url}`);
    const samples = await scrape(url);
    expect(samples.get("fibchat_fibonacci_streams_active")).toBe(0);
    spawned.child.kill("SIGTERM");
    expect(await spawned.exited).toBe(0);
  });
});

import {
  FibonacciServiceClient,
  FibonacciServiceService,
  type GetSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { serverStreaming, unary } from "../adapter/handlers.js";
import { RpcError } from "../rpc-error.js";
import type { ServerApp } from "../server/server-app.js";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";
import { sampleKey, scrape } from "../testing/prometheus-text.js";
import { LATENCY_BUCKETS } from "./latency-buckets.js";

const running: TestApp[] = [];
const clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map(({ app }) => app.shutdown()));
});

const SERVICE = "fibonacci.v1.FibonacciService";
const unaryLabels = { grpc_type: "unary", grpc_service: SERVICE, grpc_method: "GetSequence" };
const streamLabels = {
  grpc_type: "server_stream",
  grpc_service: SERVICE,
  grpc_method: "StreamSequence",
};

/** A Fibonacci service whose GetSequence refuses count > 10 and whose stream waits for cancel. */
function register(app: ServerApp, streamOpened: () => void): void {
  app.addService(FibonacciServiceService, {
    getSequence: unary(async ({ count }) => {
      if (count > 10) throw new RpcError(status.INVALID_ARGUMENT, "count too large");
      return { numbers: [{ index: 0, value: "0" }] };
    }, app.runtime),
    streamSequence: serverStreaming(async function* (_request, context) {
      yield { number: { index: 0, value: "0" } };
      streamOpened();
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
    }, app.runtime),
  });
}

async function metricsUrl(started: TestApp): Promise<string> {
  const line = await started.logs.waitFor((entry) => typeof entry.metrics === "string");
  expect(line.msg).toBe(`metrics on ${String(line.metrics)}`);
  return String(line.metrics);
}

describe("gRPC server metrics", () => {
  it("count exactly what a known script of calls did", async () => {
    let opened = () => {};
    const streamOpened = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const started = await startApp((app) => register(app, opened), {
      metricsAddress: { host: "127.0.0.1", port: 0 },
    });
    running.push(started);
    const url = await metricsUrl(started);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const client = new FibonacciServiceClient(started.address, insecure);
    clients.push(client);
    const get = (count: number) =>
      new Promise<GetSequenceResponse | ServiceError>((resolve) =>
        client.getSequence({ start: 0, count }, (error, response) => resolve(error ?? response)),
      );
    for (const count of [1, 2, 3, 11, 12]) await get(count);
    const stream = client.streamSequence({ start: 0, count: 5 });
    const ended = new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    stream.on("data", () => {});
    await streamOpened;
    stream.cancel();
    expect((await ended).code).toBe(status.CANCELLED);
    // The server hears of the cancel on its own schedule: wait until it has counted it.
    let samples = await scrape(url);
    const cancelled = sampleKey("grpc_server_handled_total", {
      ...streamLabels,
      grpc_code: "CANCELLED",
    });
    while (samples.get(cancelled) !== 1) samples = await scrape(url);

    const expected = new Map<string, number>([
      [sampleKey("grpc_server_started_total", unaryLabels), 5],
      [sampleKey("grpc_server_msg_received_total", unaryLabels), 5],
      [sampleKey("grpc_server_msg_sent_total", unaryLabels), 3],
      [sampleKey("grpc_server_handled_total", { ...unaryLabels, grpc_code: "OK" }), 3],
      [
        sampleKey("grpc_server_handled_total", { ...unaryLabels, grpc_code: "INVALID_ARGUMENT" }),
        2,
      ],
      [sampleKey("grpc_server_started_total", streamLabels), 1],
      [sampleKey("grpc_server_msg_received_total", streamLabels), 1],
      [sampleKey("grpc_server_msg_sent_total", streamLabels), 1],
      [cancelled, 1],
      [sampleKey("grpc_server_handling_seconds_count", unaryLabels), 5],
      [sampleKey("grpc_server_handling_seconds_bucket", { ...unaryLabels, le: "+Inf" }), 5],
      [sampleKey("grpc_server_handling_seconds_count", streamLabels), 1],
      [sampleKey("grpc_server_handling_seconds_bucket", { ...streamLabels, le: "+Inf" }), 1],
    ]);
    const grpcSamples = [...samples].filter(
      ([key, value]) =>
        key.startsWith("grpc_server_") &&
        value !== 0 &&
        !key.startsWith("grpc_server_handling_seconds_sum") &&
        !(key.startsWith("grpc_server_handling_seconds_bucket") && !key.includes('le="+Inf"')),
    );
    expect(new Map(grpcSamples)).toEqual(expected);
    // Every bucket is there, cumulative, and ends at the count.
    const buckets = [...LATENCY_BUCKETS.map(String), "+Inf"].map(
      (le) =>
        samples.get(sampleKey("grpc_server_handling_seconds_bucket", { ...unaryLabels, le })) ?? -1,
    );
    expect(buckets.every((count, i) => count >= 0 && count >= (buckets[i - 1] ?? 0))).toBe(true);
    // Zero series exist for every method and code (health and reflection included), so that
    // rates start at zero rather than appearing with the first failure.
    expect(
      samples.get(
        sampleKey("grpc_server_handled_total", {
          grpc_type: "unary",
          grpc_service: "grpc.health.v1.Health",
          grpc_method: "Check",
          grpc_code: "UNAVAILABLE",
        }),
      ),
    ).toBe(0);
    // Node's default process metrics.
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(samples.has(name)).toBe(true);
    }
  });

  it("are off by default: no endpoint, no registry", async () => {
    const started = await startApp((app) => register(app, () => {}));
    running.push(started);
    expect(started.app.metrics).toBeUndefined();
    expect(started.logs.lines().some((line) => "metrics" in line)).toBe(false);
  });

  it("stop being served when the server shuts down", async () => {
    const started = await startApp((app) => register(app, () => {}), {
      metricsAddress: { host: "127.0.0.1", port: 0 },
    });
    const url = await metricsUrl(started);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url.replace("/metrics", "/other"))).status).toBe(404);
    await started.app.shutdown();
    await expect(fetch(url)).rejects.toThrow();
  });
});

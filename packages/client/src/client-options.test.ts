import type { SpawnedServer } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelOptions } from "./client-options.js";
import { createFibonacciClient } from "./fibonacci/fibonacci-client.js";
import { retryableMethods } from "./retry-policy.js";
import { killProcess, startFibonacciProcess } from "./test-support/fibonacci-process.js";

describe("channelOptions", () => {
  it.each([
    ["127.0.0.1:50051", false],
    ["localhost:50051", false],
    ["fib.internal:50051", false],
    ["dns:///fib.internal:50051", true],
    ["ipv4:127.0.0.1:50051,127.0.0.1:50061", true],
    ["ipv6:[::1]:50051", true],
    ["unix:///tmp/fib.sock", true],
  ])("%s round-robins: %s", (target, roundRobin) => {
    const config = channelOptions(target, { retries: false })["grpc.service_config"];
    if (!roundRobin) {
      expect(config).toBeUndefined();
      return;
    }
    expect(JSON.parse(String(config))).toEqual({ loadBalancingConfig: [{ round_robin: {} }] });
  });

  it("puts the retry policy of the side-effect-free rpcs into the service config", () => {
    const config = JSON.parse(String(channelOptions("127.0.0.1:1", {})["grpc.service_config"]));
    expect(config).toEqual({
      methodConfig: [
        {
          name: retryableMethods(),
          retryPolicy: {
            maxAttempts: 4,
            initialBackoff: "0.1s",
            maxBackoff: "1s",
            backoffMultiplier: 2,
            retryableStatusCodes: ["UNAVAILABLE"],
          },
        },
      ],
    });
  });

  it("turns keepaliveMs into grpc-js keepalive pings, and lets channelOptions override", () => {
    expect(
      channelOptions("127.0.0.1:1", {
        retries: false,
        keepaliveMs: 10_000,
        channelOptions: { "grpc.keepalive_permit_without_calls": 0 },
      }),
    ).toEqual({ "grpc.keepalive_time_ms": 10_000, "grpc.keepalive_permit_without_calls": 0 });
  });
});

describe("a target URI listing two fibonacci servers", () => {
  let servers: SpawnedServer[];
  beforeAll(async () => {
    servers = await Promise.all([startFibonacciProcess(), startFibonacciProcess()]);
  });
  afterAll(() => Promise.all(servers.map(killProcess)));

  it("spreads the calls of one client over both servers", async () => {
    const client = createFibonacciClient(`ipv4:${servers.map((s) => s.address).join(",")}`);
    try {
      for (let call = 0; call < 40; call++) await client.getSequence({ start: call, count: 1 });
    } finally {
      client.close();
    }
    const served = () =>
      servers.map(
        (server) =>
          server.lines.filter(
            (line) =>
              line.msg === "rpc finished" &&
              line.method === "/fibonacci.v1.FibonacciService/GetSequence",
          ).length,
      );
    // A server logs a call just after answering it.
    await expect
      .poll(() => served().reduce((sum, count) => sum + count, 0), { timeout: 10_000 })
      .toBe(40);
    for (const count of served()) expect(count).toBeGreaterThan(5);
  });
});

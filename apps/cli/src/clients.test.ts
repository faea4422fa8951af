import type { GetSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import { credentials, Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unaryCall } from "./calls.js";
import { channelOptions, createClients } from "./clients.js";
import { runCli } from "./test-support/cli-process.js";
import { waitFor } from "./test-support/poll.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";

describe("channelOptions", () => {
  it.each([
    ["127.0.0.1:50051", false],
    ["localhost:50051", false],
    ["fib.internal:50051", false],
    ["dns:///fib.internal:50051", true],
    ["ipv4:127.0.0.1:50051,127.0.0.1:50061", true],
    ["ipv6:[::1]:50051", true],
    ["unix:///tmp/fib.sock", true],
  ])("%s round-robins: %s", (address, roundRobin) => {
    const config = channelOptions(address)["grpc.service_config"];
    if (!roundRobin) {
      expect(config).toBeUndefined();
      return;
    }
    expect(JSON.parse(String(config))).toEqual({ loadBalancingConfig: [{ round_robin: {} }] });
  });
});

describe("a target URI listing two fibonacci servers", () => {
  let servers: ServerProcess[];
  let target: string;

  beforeAll(async () => {
    servers = await Promise.all([startServer("fibonacci"), startServer("fibonacci")]);
    target = `ipv4:${servers.map((server) => server.address).join(",")}`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it("spreads the calls of one client over both servers", async () => {
    const clients = createClients({
      fibonacciAddress: target,
      chatAddress: "127.0.0.1:1",
      credentials: credentials.createInsecure(),
    });
    try {
      const { client, endpoint } = clients.fibonacci();
      const settings = {
        endpoint,
        signal: new AbortController().signal,
        metadata: () => new Metadata(),
        timeoutMs: 5000,
      };
      for (let call = 0; call < 40; call += 1) {
        await unaryCall<GetSequenceResponse>(settings, (metadata, options, callback) =>
          client.getSequence({ count: 1, start: call }, metadata, options, callback),
        );
      }
    } finally {
      clients.close();
    }
    const countServed = () =>
      servers.map(
        (server) =>
          server
            .logs()
            .filter((line) => line.method === "/fibonacci.v1.FibonacciService/GetSequence").length,
      );
    // A server logs a call just after answering it.
    const served = await waitFor(
      () => {
        const counts = countServed();
        return counts.reduce((sum, count) => sum + count, 0) === 40 && counts;
      },
      { what: "both servers to log 40 calls between them", describe: () => String(countServed()) },
    );
    for (const count of served) expect(count).toBeGreaterThan(5);
  });

  it("works from the command line", async () => {
    expect(
      await runCli(["--fib-address", target, "fib", "get", "2", "--start", "10"]),
    ).toMatchObject({
      code: 0,
      stdout: "10 55\n11 89\n",
      stderr: "",
    });
  });
});

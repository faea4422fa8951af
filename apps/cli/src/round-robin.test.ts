import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./test-support/cli-process.js";
import { waitFor } from "./test-support/poll.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";

/**
 * CLI runs per test. Each run is a new channel, and grpc-js's round_robin starts it at a random
 * address: all of them landing on one of two servers has odds of 2 in 2^16.
 */
const RUNS = 16;

/** Runs at once: enough to overlap, few enough for a 2-core machine. */
const PARALLEL = 4;

/** The GetSequence calls `server` has logged as finished. */
function served(server: ServerProcess): number {
  return server
    .logs()
    .filter(
      (line) =>
        line.msg === "rpc finished" && line.method === "/fibonacci.v1.FibonacciService/GetSequence",
    ).length;
}

describe("fibchat with --fib-address ipv4:ADDRESS1,ADDRESS2 (two stateless fibonacci servers)", () => {
  let servers: ServerProcess[] = [];
  beforeEach(async () => {
    servers = await Promise.all([startServer("fibonacci"), startServer("fibonacci")]);
  });
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  /** Runs `fibchat fib get 2 --start 10` {@link RUNS} times against both servers. */
  async function runAll(): Promise<CliResult[]> {
    const target = `ipv4:${servers.map((server) => server.address).join(",")}`;
    const results: CliResult[] = [];
    for (let started = 0; started < RUNS; started += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, RUNS - started) }, () =>
        runCli(["--fib-address", target, "fib", "get", "2", "--start", "10"]),
      );
      results.push(...(await Promise.all(batch)));
    }
    return results;
  }

  /** Waits until the servers have logged `total` calls between them; returns each one's count. */
  function servedCounts(total: number): Promise<number[]> {
    const counts = () => servers.map(served);
    // A server logs a call just after answering it: the CLI may have exited first.
    return waitFor(() => counts().reduce((sum, count) => sum + count, 0) === total && counts(), {
      what: `the servers to log ${total} calls between them`,
      describe: () => String(counts()),
    });
  }

  const answered = { code: 0, stdout: "10 55\n11 89\n", stderr: "" };

  it("spreads separate runs over both servers", async () => {
    for (const result of await runAll()) expect(result).toMatchObject(answered);
    const [first, second] = await servedCounts(RUNS);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
  });

  it("routes every call to the server left when the other is stopped", async () => {
    await servers[0]?.stop();
    for (const result of await runAll()) expect(result).toMatchObject(answered);
    expect(await servedCounts(RUNS)).toEqual([0, RUNS]);
  });
});

import { freePort, type SpawnedServer, settled } from "@fibchat/server-kit/testing";
import { afterEach, describe, expect, it } from "vitest";
import { READ_AHEAD } from "../call/read-stream.js";
import { FibchatError } from "../fibchat-error.js";
import { startCountingServer } from "../test-support/counting-server.js";
import {
  fibonacci,
  killProcess,
  startFibonacciProcess,
} from "../test-support/fibonacci-process.js";
import { createFibonacciClient, type FibonacciClient } from "./fibonacci-client.js";

const servers: SpawnedServer[] = [];
const clients: FibonacciClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map(killProcess));
});

async function started(port = 0) {
  const server = await startFibonacciProcess(port);
  servers.push(server);
  return server;
}

function clientOf(target: string, options: Parameters<typeof createFibonacciClient>[1] = {}) {
  const client = createFibonacciClient(target, options);
  clients.push(client);
  return client;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const rpcFinished = (server: SpawnedServer, method: string) =>
  server.lines.filter((line) => line.msg === "rpc finished" && line.method === method);

describe("createFibonacciClient against the real server", () => {
  it("getSequence resolves with the numbers, exact past 2^64", async () => {
    const client = clientOf((await started()).address);
    const numbers = await client.getSequence({ start: 90, count: 5 });
    expect(numbers.map((n) => n.index)).toEqual([90, 91, 92, 93, 94]);
    for (const n of numbers) expect(BigInt(n.value)).toBe(fibonacci(n.index));
  });

  it("streamSequence yields every number once, in order", async () => {
    const client = clientOf((await started()).address);
    const numbers = await collect(client.streamSequence({ start: 0, count: 300 }));
    expect(numbers.map((n) => n.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(BigInt(numbers[299]?.value ?? "")).toBe(fibonacci(299));
  });

  it("rejects a bad request with INVALID_ARGUMENT and the server's reason", async () => {
    const client = clientOf((await started()).address);
    const failure = client.getSequence({ start: 0, count: 1_000_000 });
    await expect(failure).rejects.toBeInstanceOf(FibchatError);
    await expect(failure).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: expect.stringMatching(/count/),
    });
  });

  it("names the address of a server that is not running", async () => {
    const target = `127.0.0.1:${await freePort()}`;
    const client = clientOf(target);
    await expect(client.getSequence({ start: 0, count: 1 })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      details: `server not reachable at ${target} (connection refused)`,
      target,
    });
  });

  it("timeoutMs becomes a deadline: DEADLINE_EXCEEDED", async () => {
    const client = clientOf((await started()).address);
    const stream = client.streamSequence({ start: 50_000, count: 5_000 }, { timeoutMs: 50 });
    await expect(collect(stream)).rejects.toMatchObject({ code: "DEADLINE_EXCEEDED" });
  });

  it("aborting the signal cancels the call, and the server sees CANCELLED", async () => {
    const server = await started();
    const client = clientOf(server.address);
    const abort = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const n of client.streamSequence(
        { start: 50_000, count: 5_000 },
        { signal: abort.signal },
      )) {
        seen.push(n.index);
        if (seen.length === 3) abort.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ code: "CANCELLED" });
    await expect
      .poll(() => rpcFinished(server, "/fibonacci.v1.FibonacciService/StreamSequence"), {
        timeout: 10_000,
      })
      .toContainEqual(expect.objectContaining({ code: "CANCELLED" }));
    await expect(
      client.getSequence({ start: 0, count: 1 }, { signal: abort.signal }),
    ).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("resume: true reopens a stream broken by a server restart at the next index", async () => {
    const port = await freePort();
    let server = await started(port);
    const client = clientOf(`127.0.0.1:${port}`);
    const indices: number[] = [];
    for await (const n of client.streamSequence(
      { start: 1_000, count: 400 },
      { resume: { attempts: 8, firstDelayMs: 100 } },
    )) {
      expect(BigInt(n.value)).toBe(fibonacci(n.index));
      indices.push(n.index);
      if (indices.length === 50) {
        await killProcess(server);
        servers.splice(servers.indexOf(server), 1);
        server = await started(port);
      }
    }
    expect(indices).toEqual(Array.from({ length: 400 }, (_, i) => 1_000 + i));
    // The rest came from the restarted server, in one call (its access line follows the call).
    await expect
      .poll(() => rpcFinished(server, "/fibonacci.v1.FibonacciService/StreamSequence"), {
        timeout: 10_000,
      })
      .toHaveLength(1);
  });

  it("without resume, a broken stream fails with UNAVAILABLE", async () => {
    const server = await started();
    const client = clientOf(server.address);
    const reading = (async () => {
      let seen = 0;
      for await (const _ of client.streamSequence({ start: 1_000, count: 400 })) {
        if (++seen === 10) await killProcess(server);
      }
    })();
    await expect(reading).rejects.toMatchObject({ code: "UNAVAILABLE" });
    servers.splice(0);
  });
});

describe("streamSequence backpressure", () => {
  it("a paused consumer keeps what the server produced within a bound; leaving cancels", async () => {
    // 20 kB messages: HTTP/2's flow-control windows hold only a few, so what the server gets
    // ahead is what the buffers on both sides allow (grpc-js's and the client's READ_AHEAD).
    const server = await startCountingServer(20_000);
    try {
      const client = clientOf(server.address);
      const stream = client.streamSequence({ start: 0, count: 2_000 })[Symbol.asyncIterator]();
      for (let read = 0; read < 5; read++) await stream.next();
      await server.blocked;
      const produced = await settled(server.produced);
      expect(produced - 5).toBeLessThanOrEqual(READ_AHEAD + 64);
      await stream.return();
      await server.cancelled;
    } finally {
      await server.stop();
    }
  });
});

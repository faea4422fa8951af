import {
  FibonacciServiceClient,
  type StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import { RETRY_PUSHBACK_TRAILER } from "@fibchat/server-kit";
import { type ClientReadableStream, credentials, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fibonacciPair } from "./fibonacci/fast-doubling.js";
import {
  collect,
  type FibonacciFixture,
  failure,
  getSequence,
  referenceSequence,
  startFibonacci,
} from "./test-support/start-fibonacci.js";

const running: FibonacciFixture[] = [];
const clients: FibonacciServiceClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function start(...args: Parameters<typeof startFibonacci>): Promise<FibonacciFixture> {
  const server = await startFibonacci(...args);
  running.push(server);
  return server;
}

/** A client on its own connection (grpc-js otherwise shares one between equal channels). */
function secondClient(address: string): FibonacciServiceClient {
  const client = new FibonacciServiceClient(address, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  clients.push(client);
  return client;
}

/** Opens a stream, waits for its first message, then stops reading; resolves when it ends. */
async function openPaused(
  stream: ClientReadableStream<StreamSequenceResponse>,
): Promise<{ ended: Promise<ServiceError> }> {
  const ended = failure(
    new Promise((resolve, reject) => stream.on("error", reject).on("end", resolve)),
  );
  await new Promise((resolve) => stream.once("data", resolve));
  stream.pause();
  return { ended };
}

const DEEP = 500_000;
const reference = referenceSequence(3_000);

describe("deep calls run on the compute threads", () => {
  it("GetSequence and StreamSequence give the reference values when every call is deep", async () => {
    const server = await start({ deepIndex: 0 });
    const response = await getSequence(server.client, { start: 100, count: 50 });
    expect(response.numbers.map((n) => n.value)).toEqual(reference.slice(100, 150).map(String));
    const messages = await collect(server.client.streamSequence({ start: 0, count: 3_000 }));
    expect(messages.map((m) => m.number?.value)).toEqual(reference.map(String));
    expect(server.metrics.pooledBatches).toBeGreaterThan(1);
  });

  it("F(500000) is exact", async () => {
    const server = await start();
    const [expected] = fibonacciPair(DEEP);
    const response = await getSequence(server.client, { start: DEEP, count: 1 });
    expect(response.numbers[0]?.value).toBe(expected.toString());
    expect(server.metrics.pooledBatches).toBe(1);
  });
});

describe("per-user limits", () => {
  it("refuses a StreamSequence past --max-streams-per-user with RESOURCE_EXHAUSTED naming it", async () => {
    const server = await start({ maxStreamsPerUser: 2 });
    const open = [
      server.client.streamSequence({ start: 0, count: 100_000 }),
      server.client.streamSequence({ start: 0, count: 100_000 }),
    ];
    const paused = await Promise.all(open.map(openPaused));

    const error = await failure(collect(server.client.streamSequence({ start: 0, count: 1 })));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/--max-streams-per-user/);
    expect(server.metrics.refused.streamsPerUser).toBe(1);
    // Unary calls are not streams: still served.
    expect((await getSequence(server.client, { start: 0, count: 3 })).numbers).toHaveLength(3);

    for (const stream of open) stream.cancel();
    await Promise.all(paused.map(({ ended }) => ended));
    await vi.waitFor(() => expect(server.metrics.activeStreams).toBe(0));
    expect(await collect(server.client.streamSequence({ start: 0, count: 1 }))).toHaveLength(1);
  });

  it("refuses a deep call past --max-deep-calls-per-user with a retry hint, and admits again once one ends", async () => {
    const server = await start({ maxDeepCallsPerUser: 1 });
    const deepStream = server.client.streamSequence({ start: DEEP, count: 1_000 });
    const { ended } = await openPaused(deepStream);
    expect(server.metrics.deepCalls).toBe(1);

    const error = await failure(getSequence(server.client, { start: DEEP, count: 1 }));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/--max-deep-calls-per-user.*retry in about 1 s/);
    expect(error.metadata.get(RETRY_PUSHBACK_TRAILER)).toEqual(["1000"]);
    // Shallow calls are outside the deep budget.
    expect((await getSequence(server.client, { start: 0, count: 3 })).numbers).toHaveLength(3);

    deepStream.cancel();
    expect((await ended).code).toBe(status.CANCELLED);
    await vi.waitFor(() => expect(server.metrics.deepCalls).toBe(0));
    const response = await getSequence(server.client, { start: DEEP, count: 1 });
    expect(response.numbers[0]?.index).toBe(DEEP);
    expect(server.metrics.refused.deepCallsPerUser).toBe(1);
    expect(server.metrics.deepCallsPeakPerUser).toBe(1);
  });
});

describe("a storm of deep streams from one connection", () => {
  const STORM = 200;

  it("the deep-call budget holds and a second client is served while 200 deep streams start", async () => {
    const server = await start();
    const outcomes = Array.from({ length: STORM }, (_, i) =>
      collect(
        server.client.streamSequence(
          { start: DEEP + i, count: 3 },
          // Inside the test's timeout, so a call that waited for it would be seen (as
          // DEADLINE_EXCEEDED, which the outcomes below do not allow).
          { deadline: Date.now() + 30_000 },
        ),
      ).then(
        (messages) => ({ code: status.OK, messages: messages.length }),
        (error: ServiceError) => ({ code: error.code, messages: 0 }),
      ),
    );

    const other = secondClient(server.address);
    const answer = await getSequence(other, { start: 0, count: 3 });
    expect(answer.numbers.map((n) => n.value)).toEqual(["0", "1", "1"]);

    const settled = await Promise.all(outcomes);
    const served = settled.filter((o) => o.code === status.OK);
    const refused = settled.filter((o) => o.code === status.RESOURCE_EXHAUSTED);
    // Every storm call ended, served in full or refused; none waited for its deadline.
    expect(served.length + refused.length).toBe(STORM);
    expect(served.length).toBeGreaterThanOrEqual(1);
    for (const { messages } of served) expect(messages).toBe(3);
    const { refused: byLimit, deepCallsPeakPerUser } = server.metrics;
    expect(byLimit.streamsPerUser + byLimit.deepCallsPerUser + byLimit.computeQueue).toBe(
      refused.length,
    );
    expect(deepCallsPeakPerUser).toBeLessThanOrEqual(4);
    expect(server.metrics.deepCalls).toBe(0);
  }, 60_000);
});

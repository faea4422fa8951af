import {
  ChatServiceClient,
  ChatServiceService,
  type SendAndReceiveMessageRequest,
  type SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import {
  FibonacciServiceClient,
  FibonacciServiceService,
  type GetSequenceResponse,
  type StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { INTERNAL_ERROR_MESSAGE, RpcError } from "../rpc-error.js";
import type { ServerApp } from "../server/server-app.js";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";
import { ERROR_LEVEL } from "../testing/log-capture.js";
import { SHUTTING_DOWN_MESSAGE } from "./call-scope.js";
import { bidiStreaming, serverStreaming, unary } from "./handlers.js";

const running: TestApp[] = [];
const clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map(({ app }) => app.shutdown()));
});

async function start(...args: Parameters<typeof startApp>): Promise<TestApp> {
  const started = await startApp(...args);
  running.push(started);
  return started;
}

function fibClient(address: string): FibonacciServiceClient {
  const client = new FibonacciServiceClient(address, insecure);
  clients.push(client);
  return client;
}

function getSequence(client: FibonacciServiceClient): Promise<GetSequenceResponse> {
  return new Promise((resolve, reject) => {
    client.getSequence({ count: 1, start: 0 }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function statusOf(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: ServiceError) => error,
  );
}

/** A deferred: a promise and the function that resolves it. */
function signalled(): { promise: Promise<void>; fire(): void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

describe("unary", () => {
  it.each([
    [
      "an RpcError keeps its code and message",
      () => Promise.reject(new RpcError(status.NOT_FOUND, "no such thing")),
      status.NOT_FOUND,
      "no such thing",
    ],
    [
      "a plain Error becomes INTERNAL with a generic message",
      () => Promise.reject(new Error("db password is hunter2")),
      status.INTERNAL,
      INTERNAL_ERROR_MESSAGE,
    ],
    [
      "a synchronous throw is caught too",
      () => {
        throw new TypeError("boom at /srv/app.js:1");
      },
      status.INTERNAL,
      INTERNAL_ERROR_MESSAGE,
    ],
  ])("%s", async (_name, body, code, details) => {
    const { address, logs } = await start((app) =>
      app.addService(FibonacciServiceService, {
        getSequence: unary(async () => body(), app.runtime),
        streamSequence: serverStreaming(async function* () {}, app.runtime),
      }),
    );
    const error = await statusOf(getSequence(fibClient(address)));
    expect(error.code).toBe(code);
    expect(error.details).toBe(details);
    expect(error.details).not.toMatch(/hunter2|\.js:\d/);
    const failures = logs.lines().filter((line) => line.level >= ERROR_LEVEL);
    expect(failures.length).toBe(code === status.INTERNAL ? 1 : 0);
  });

  it("lets an in-flight call finish during shutdown", async () => {
    const entered = signalled();
    const release = signalled();
    const { app, address } = await start((app) =>
      app.addService(FibonacciServiceService, {
        getSequence: unary(async () => {
          entered.fire();
          await release.promise;
          return { numbers: [{ index: 0, value: "0" }] };
        }, app.runtime),
        streamSequence: serverStreaming(async function* () {}, app.runtime),
      }),
    );
    const call = getSequence(fibClient(address));
    await entered.promise;
    const stopped = app.shutdown();
    release.fire();
    await expect(call).resolves.toEqual({ numbers: [{ index: 0, value: "0" }] });
    await stopped;
  });
});

describe("server streaming", () => {
  /** A stream that never ends on its own, counting what it produced and whether it was closed. */
  function endless() {
    const state = { produced: 0, closed: signalled() };
    async function* handler(): AsyncGenerator<StreamSequenceResponse> {
      try {
        for (;;) {
          state.produced++;
          yield { number: { index: state.produced, value: "1".repeat(100) } };
        }
      } finally {
        state.closed.fire();
      }
    }
    return { state, handler };
  }

  it("waits for the reader: a paused client bounds what the handler produces", async () => {
    const { state, handler } = endless();
    const { address } = await start((app) =>
      app.addService(FibonacciServiceService, {
        getSequence: noStreamUnary(app),
        streamSequence: serverStreaming(handler, app.runtime),
      }),
    );
    const stream = fibClient(address).streamSequence({ count: 0, start: 0 });
    stream.on("error", () => {});
    let received = 0;
    await new Promise<void>((resolve) =>
      stream.on("data", () => {
        received++;
        if (received === 10) {
          stream.pause();
          resolve();
        }
      }),
    );
    const plateau = await settledValue(() => state.produced);
    // Flow-control windows and grpc-js's 16-message write buffer hold some messages in flight;
    // what matters is that production stops at a bound instead of running on forever.
    expect(plateau - received).toBeLessThan(5_000);
    stream.cancel();
    await state.closed.promise;
  });

  it("stops the handler and runs its finally when the client cancels", async () => {
    const { state, handler } = endless();
    const { address, logs } = await start((app) =>
      app.addService(FibonacciServiceService, {
        getSequence: noStreamUnary(app),
        streamSequence: serverStreaming(handler, app.runtime),
      }),
    );
    const stream = fibClient(address).streamSequence({ count: 0, start: 0 });
    const ended = statusOf(
      new Promise((resolve, reject) => stream.on("error", reject).on("end", resolve)),
    );
    await new Promise((resolve) => stream.once("data", resolve));
    stream.cancel();
    expect((await ended).code).toBe(status.CANCELLED);
    await state.closed.promise;
    const line = await logs.waitFor((l) => l.msg === "rpc finished");
    expect(line.code).toBe("CANCELLED");
    expect(line.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(logs.lines().filter((l) => l.level >= ERROR_LEVEL)).toEqual([]);
  });

  it("stops the handler when the deadline passes", async () => {
    const { state, handler } = endless();
    const { address, logs } = await start((app) =>
      app.addService(FibonacciServiceService, {
        getSequence: noStreamUnary(app),
        streamSequence: serverStreaming(handler, app.runtime),
      }),
    );
    const client = fibClient(address);
    // Connected first, so the call reaches the handler well before its deadline passes.
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())),
    );
    const stream = client.streamSequence({ count: 0, start: 0 }, { deadline: Date.now() + 500 });
    stream.pause();
    const ended = statusOf(
      new Promise((resolve, reject) => stream.on("error", reject).on("end", resolve)),
    );
    expect((await ended).code).toBe(status.DEADLINE_EXCEEDED);
    await state.closed.promise;
    expect(logs.lines().filter((l) => l.level >= ERROR_LEVEL)).toEqual([]);
  });

  it("ends open streams with UNAVAILABLE on shutdown instead of waiting for them", async () => {
    const { state, handler } = endless();
    const { app, address } = await start(
      (app) =>
        app.addService(FibonacciServiceService, {
          getSequence: noStreamUnary(app),
          streamSequence: serverStreaming(handler, app.runtime),
        }),
      { shutdownGraceMs: 60_000 },
    );
    const stream = fibClient(address).streamSequence({ count: 0, start: 0 });
    const ended = statusOf(
      new Promise((resolve, reject) => stream.on("error", reject).on("end", resolve)),
    );
    stream.on("data", () => {});
    await new Promise((resolve) => stream.once("data", resolve));
    // With a 60 s grace period, this resolving at all shows the stream was ended, not waited for.
    await app.shutdown();
    const error = await ended;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toBe(SHUTTING_DOWN_MESSAGE);
    await state.closed.promise;
  });
});

describe("bidirectional streaming", () => {
  function echoAcks(app: ServerApp) {
    return bidiStreaming<SendAndReceiveMessageRequest, SendAndReceiveMessageResponse>(
      async function* (requests) {
        for await (const request of requests) {
          if (request.action?.$case !== "post")
            throw new RpcError(status.FAILED_PRECONDITION, "post only");
          const { clientMessageId } = request.action.value;
          yield {
            event: {
              $case: "ack",
              value: { clientMessageId, duplicate: false, message: undefined },
            },
          };
        }
      },
      app.runtime,
    );
  }

  function register(app: ServerApp) {
    app.addService(ChatServiceService, {
      getStats: unary(
        async () => ({ messageCount: 0n, roomCount: 0, connectedClients: 0 }),
        app.runtime,
      ),
      getMessages: serverStreaming(async function* () {}, app.runtime),
      sendAndReceiveMessage: echoAcks(app),
    });
  }

  it("answers every request, then ends OK after the client half-closes", async () => {
    const { address } = await start(register);
    const client = new ChatServiceClient(address, insecure);
    clients.push(client);
    const call = client.sendAndReceiveMessage();
    const acks: string[] = [];
    const ended = new Promise<void>((resolve, reject) =>
      call.on("error", reject).on("end", resolve),
    );
    call.on("data", (response: SendAndReceiveMessageResponse) => {
      if (response.event?.$case === "ack") acks.push(response.event.value.clientMessageId);
    });
    for (let i = 0; i < 100; i++)
      call.write({ action: { $case: "post", value: { text: "x", clientMessageId: `m${i}` } } });
    call.end();
    await ended;
    expect(acks).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  });

  it("ends with the handler's RpcError", async () => {
    const { address } = await start(register);
    const client = new ChatServiceClient(address, insecure);
    clients.push(client);
    const call = client.sendAndReceiveMessage();
    const ended = statusOf(
      new Promise((resolve, reject) => call.on("error", reject).on("end", resolve)),
    );
    call.on("data", () => {});
    call.write({ action: { $case: "join", value: { room: "", author: "a" } } });
    const error = await ended;
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toBe("post only");
  });
});

function noStreamUnary(app: ServerApp) {
  return unary(async () => ({ numbers: [] }), app.runtime);
}

/** Polls `read` until it returns the same value 5 times in a row, 20 ms apart (at most 10 s). */
async function settledValue(read: () => number): Promise<number> {
  let last = read();
  let stable = 0;
  for (let tries = 0; tries < 500 && stable < 5; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const value = read();
    stable = value === last ? stable + 1 : 0;
    last = value;
  }
  return last;
}

import {
  ChatServiceClient,
  ChatServiceService,
  type SendAndReceiveMessageRequest,
  type SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type ClientDuplexStream, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { INTERNAL_ERROR_MESSAGE, RpcError } from "../rpc-error.js";
import type { ServerApp } from "../server/server-app.js";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";
import { settled } from "../testing/settled.js";
import { SHUTTING_DOWN_MESSAGE } from "./call-scope.js";
import { type DuplexSessionHandler, duplexSession } from "./duplex-session.js";
import { serverStreaming, unary } from "./handlers.js";

type Request = SendAndReceiveMessageRequest;
type Response = SendAndReceiveMessageResponse;
type Call = ClientDuplexStream<Request, Response>;

const running: TestApp[] = [];
const clients: ChatServiceClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map(({ app }) => app.shutdown()));
});

/** Starts a server whose SendAndReceiveMessage is `handler`, and opens a call to it. */
async function open(handler: DuplexSessionHandler<Request, Response>) {
  const started = await startApp((app: ServerApp) => {
    app.addService(ChatServiceService, {
      getStats: unary(
        async () => ({ messageCount: 0n, roomCount: 0, connectedClients: 0 }),
        app.runtime,
      ),
      getMessages: serverStreaming(async function* () {}, app.runtime),
      sendAndReceiveMessage: duplexSession(handler, app.runtime),
    });
  });
  running.push(started);
  const client = new ChatServiceClient(started.address, insecure);
  clients.push(client);
  const call: Call = client.sendAndReceiveMessage();
  const received: Response[] = [];
  call.on("data", (response: Response) => received.push(response));
  const ended = new Promise<ServiceError | undefined>((resolve) =>
    call.on("error", resolve).on("end", () => resolve(undefined)),
  );
  return { app: started.app, call, received, ended };
}

function post(clientMessageId: string): Request {
  return { action: { $case: "post", value: { text: "x", clientMessageId } } };
}

function ack(clientMessageId: string): Response {
  return {
    event: { $case: "ack", value: { clientMessageId, duplicate: false, message: undefined } },
  };
}

/** A deferred: a promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; fire(): void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/** Acks each post as it arrives; ends OK on half-close. Counts `closed` calls in `closes`. */
function echo(
  closes: { count: number },
  onClosed = () => {},
): DuplexSessionHandler<Request, Response> {
  return (call) => ({
    request(request) {
      if (request.action?.$case !== "post")
        throw new RpcError(status.FAILED_PRECONDITION, "post only");
      call.write(ack(request.action.value.clientMessageId));
    },
    halfClosed() {
      call.end();
    },
    closed() {
      closes.count += 1;
      onClosed();
    },
  });
}

describe("duplexSession", () => {
  it("hands every request to the handler, and ends OK when it ends the call", async () => {
    const closes = { count: 0 };
    const { call, received, ended } = await open(echo(closes));
    for (let i = 0; i < 100; i++) call.write(post(`m${i}`));
    call.end();
    expect(await ended).toBeUndefined();
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => ack(`m${i}`)));
    expect(closes.count).toBe(1);
  });

  it("ends with the status of what a request handler throws, and ignores later requests", async () => {
    const closes = { count: 0 };
    const { call, received, ended } = await open(echo(closes));
    call.write(post("first"));
    call.write({ action: { $case: "join", value: { room: "r", author: "a" } } });
    call.write(post("after the error"));
    const error = await ended;
    expect(error).toMatchObject({ code: status.FAILED_PRECONDITION, details: "post only" });
    expect(received).toEqual([ack("first")]);
    expect(closes.count).toBe(1);
  });

  it("answers a handler that throws while opening with its status, and never leaks a plain error", async () => {
    const refused = await open(() => {
      throw new RpcError(status.RESOURCE_EXHAUSTED, "no free slot");
    });
    expect(await refused.ended).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: "no free slot",
    });
    const broken = await open(() => ({
      request() {
        throw new Error("db password is hunter2");
      },
      halfClosed() {},
      closed() {},
    }));
    broken.call.write(post("m"));
    expect(await broken.ended).toMatchObject({
      code: status.INTERNAL,
      details: INTERNAL_ERROR_MESSAGE,
    });
  });

  it("runs closed once when the client cancels, after which the call's methods do nothing", async () => {
    const closed = deferred();
    let after: boolean | undefined;
    let writer: ((response: Response) => boolean) | undefined;
    const { call, received } = await open((duplex) => {
      writer = duplex.write;
      return {
        request(request) {
          if (request.action?.$case === "post")
            duplex.write(ack(request.action.value.clientMessageId));
        },
        halfClosed() {},
        closed() {
          after = duplex.write(ack("after close"));
          duplex.end();
          closed.fire();
        },
      };
    });
    call.write(post("m"));
    await new Promise<void>((resolve) => call.once("data", () => resolve()));
    call.cancel();
    await closed.promise;
    expect(after).toBe(false);
    expect(writer?.(ack("later"))).toBe(false);
    expect(received).toEqual([ack("m")]);
  });

  it("ends an open session with UNAVAILABLE when the server shuts down, running closed", async () => {
    const closes = { count: 0 };
    const { app, call, ended } = await open(echo(closes));
    call.write(post("m"));
    await new Promise<void>((resolve) => call.once("data", () => resolve()));
    const shutdown = app.shutdown();
    expect(await ended).toMatchObject({ code: status.UNAVAILABLE, details: SHUTTING_DOWN_MESSAGE });
    await shutdown;
    expect(closes.count).toBe(1);
  });

  it("holds a handler that writes only while write returns true to what the client's flow control lets through", async () => {
    const total = 5_000;
    let written = 0;
    const { call, received, ended } = await open((duplex) => {
      // 1 KB a message: 5 MB in all, far past what HTTP/2 lets through to a client reading nothing.
      const pump = () => {
        while (written < total) {
          written += 1;
          const flowing = duplex.write({
            event: { $case: "joined", value: { room: "r".repeat(1024), author: "a" } },
          });
          if (!flowing) {
            duplex.onceDrained(pump);
            return;
          }
        }
        duplex.end();
      };
      return { request: pump, halfClosed() {}, closed() {} };
    });
    call.pause();
    call.write(post("start"));
    await vi.waitFor(() => expect(written).toBeGreaterThan(0), { timeout: 10_000 });
    const whileNotReading = await settled(() => written);
    call.resume();
    expect(await ended).toBeUndefined();
    expect(whileNotReading).toBeGreaterThan(0);
    expect(whileNotReading).toBeLessThan(total / 2);
    expect(received).toHaveLength(total);
  });
});

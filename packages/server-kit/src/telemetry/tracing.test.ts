import {
  ChatServiceClient,
  ChatServiceService,
  type SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { startTracingFromEnv, type TracingSdk } from "@fibchat/tracing-sdk";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { trace } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bidiStreaming, serverStreaming, unary } from "../adapter/handlers.js";
import type { ServerApp } from "../server/server-app.js";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";
import { type OtlpReceiver, startOtlpReceiver } from "../testing/otlp-receiver.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const SERVER = 2;
/** OTLP's span status code for an error. */
const ERROR = 2;

let receiver: OtlpReceiver;
let sdk: TracingSdk | undefined;
// The SDK is global to the process, as in a server's main: one for this file (vitest runs each
// file in a process of its own).
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  Object.assign(process.env, {
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "server-kit-test",
    // Export at once rather than every 5 s: the tests wait for spans, not for time.
    OTEL_BSP_SCHEDULE_DELAY: "10",
  });
  sdk = await startTracingFromEnv(process.env, { serviceName: "unused", serviceVersion: "0" });
});
afterAll(async () => {
  await sdk?.shutdown();
  await receiver.close();
});

const running: TestApp[] = [];
const clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map(({ app }) => app.shutdown()));
});

/** A chat service whose session never ends by itself, and whose GetStats starts a child span. */
function register(app: ServerApp): void {
  app.addService(ChatServiceService, {
    getStats: unary(async () => {
      trace.getTracer("test").startSpan("child of GetStats").end();
      return { messageCount: 0n, roomCount: 0, connectedClients: 0 };
    }, app.runtime),
    getMessages: serverStreaming(async function* () {}, app.runtime),
    sendAndReceiveMessage: bidiStreaming<unknown, SendAndReceiveMessageResponse>(async function* (
      _requests,
      context,
    ) {
      yield { event: { $case: "joined", value: { room: "r", author: "a" } } };
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
    }, app.runtime),
  });
}

async function start(): Promise<ChatServiceClient> {
  const started = await startApp(register);
  running.push(started);
  const client = new ChatServiceClient(started.address, insecure);
  clients.push(client);
  return client;
}

describe("the tracing interceptor", () => {
  it("is installed when the process started the SDK from the OTEL_* environment", () => {
    expect(sdk).toBeDefined();
  });

  it("continues the caller's traceparent in a SERVER span, with the handler's spans as children", async () => {
    const client = await start();
    const metadata = new Metadata();
    metadata.set("traceparent", `00-${TRACE_ID}-${PARENT_ID}-01`);
    await new Promise((resolve, reject) =>
      client.getStats({ room: "" }, metadata, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
    const span = await receiver.waitFor(
      (s) => s.name === "chat.v1.ChatService/GetStats" && s.traceId === TRACE_ID,
    );
    expect(span).toMatchObject({
      parentSpanId: PARENT_ID,
      kind: SERVER,
      serviceName: "server-kit-test",
      statusCode: 0,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": "chat.v1.ChatService",
        "rpc.method": "GetStats",
        "rpc.grpc.status_code": status.OK,
      },
    });
    const child = await receiver.waitFor((s) => s.name === "child of GetStats");
    expect(child).toMatchObject({ traceId: TRACE_ID, parentSpanId: span.spanId });
    const logged = running[0]?.logs.lines().find((line) => line.msg === "rpc finished");
    expect(logged).toMatchObject({ trace_id: TRACE_ID, span_id: span.spanId });
  });

  it("ends a bidi call's one span with CANCELLED when the client cancels it", async () => {
    const client = await start();
    const call = client.sendAndReceiveMessage();
    const ended = new Promise<ServiceError>((resolve) => call.on("error", resolve));
    await new Promise((resolve) => call.once("data", resolve));
    call.cancel();
    expect((await ended).code).toBe(status.CANCELLED);
    const span = await receiver.waitFor(
      (s) => s.name === "chat.v1.ChatService/SendAndReceiveMessage",
    );
    expect(span.attributes["rpc.grpc.status_code"]).toBe(status.CANCELLED);
    // CANCELLED is the caller's doing, not the server's: the span is not marked failed.
    expect(span.statusCode).not.toBe(ERROR);
    expect(
      receiver.spans().filter((s) => s.name === "chat.v1.ChatService/SendAndReceiveMessage"),
    ).toHaveLength(1);
  });
});

import { fileURLToPath } from "node:url";
import { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import {
  type OtlpReceiver,
  type SpawnedServer,
  spawnServer,
  startOtlpReceiver,
} from "@fibchat/server-kit/testing";
import { credentials, Metadata, status } from "@grpc/grpc-js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSession } from "./test-support/chat-fixture.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
let server: SpawnedServer | undefined;
let client: ChatServiceClient | undefined;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  client?.close();
  server?.child.kill("SIGTERM");
  await server?.exited;
  await receiver.close();
  server = client = undefined;
});

/** The chat server process exporting its spans to the test's receiver. */
async function startTraced(): Promise<ChatServiceClient> {
  server = await spawnServer(MAIN, ["--store", "memory"], {
    env: {
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "chat-under-test",
      // Export each batch at once rather than every 5 s, so the test waits for spans, not time.
      OTEL_BSP_SCHEDULE_DELAY: "10",
    },
  });
  client = new ChatServiceClient(server.address, credentials.createInsecure());
  return client;
}

describe("the chat server's traces", { timeout: 30_000 }, () => {
  it("continue the caller's traceparent in a SERVER span named after the method, with the RPC attributes", async () => {
    const chat = await startTraced();
    const metadata = new Metadata();
    metadata.set("traceparent", `00-${TRACE_ID}-${PARENT_ID}-01`);
    await new Promise((resolve, reject) =>
      chat.getStats({ room: "" }, metadata, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
    const span = await receiver.waitFor((s) => s.name === "chat.v1.ChatService/GetStats");
    expect(span).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      kind: SERVER,
      serviceName: "chat-under-test",
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": "chat.v1.ChatService",
        "rpc.method": "GetStats",
        "rpc.grpc.status_code": status.OK,
      },
    });
    // The store call is a child of the server span.
    const store = await receiver.waitFor(
      (s) => s.name === "MessageStore.stats" && s.parentSpanId === span.spanId,
    );
    expect(store).toMatchObject({ traceId: TRACE_ID, kind: CLIENT });
    // The access-log line names the same trace and span.
    const logged = server?.lines.find((line) => line.msg === "rpc finished");
    expect(logged).toMatchObject({ trace_id: TRACE_ID, span_id: span.spanId });
  });

  it("give a chat session one span, with events for the join and each post", async () => {
    const chat = await startTraced();
    const session = openSession(chat, { room: "r", author: "ada", confirmJoin: true });
    await session.waitFor((e) => e.event?.$case === "joined");
    session.post("hello", "c1");
    session.post("", "c2");
    await session.waitFor((e) => e.event?.$case === "rejected");
    expect(await session.end()).toBeNull();
    const span = await receiver.waitFor(
      (s) => s.name === "chat.v1.ChatService/SendAndReceiveMessage",
    );
    expect(span.attributes["rpc.grpc.status_code"]).toBe(status.OK);
    expect(span.events.map((event) => event.name)).toEqual(["chat.join", "chat.post", "chat.post"]);
    // Without a traceparent the server span is the root of a trace of its own.
    expect(span.parentSpanId).toBe("");
    const append = await receiver.waitFor((s) => s.name === "MessageStore.append");
    expect(append).toMatchObject({ traceId: span.traceId, parentSpanId: span.spanId });
  });
});

import {
  type OtlpReceiver,
  type SpawnedServer,
  spawnServer,
  startOtlpReceiver,
} from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { entryPoint } from "./test-support/paths.js";

const SERVER = 2;
const CLIENT = 3;
const SESSION = "chat.v1.ChatService/SendAndReceiveMessage";

describe("one trace from `fibchat chat send` through the chat server to its store", () => {
  let receiver: OtlpReceiver;
  let server: SpawnedServer;
  const otel = () => ({
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    // Export each batch at once: the test waits for spans, not for time.
    OTEL_BSP_SCHEDULE_DELAY: "10",
  });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    server = await spawnServer(entryPoint("chat"), ["--store", "memory"], { env: otel() });
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await receiver?.close();
  });

  it("the CLI's CLIENT span is the parent of the server's SERVER span, whose child is the append", async () => {
    const result = await runCli(
      ["--chat-address", server.address, "chat", "send", "--room", "traced", "--name", "ada", "hi"],
      { env: otel() },
    );
    expect(result).toMatchObject({ code: 0, stdout: "1\n", stderr: "" });
    // The CLI exported its span before exiting.
    const client = receiver.spans().find((span) => span.name === SESSION && span.kind === CLIENT);
    expect(client).toMatchObject({
      serviceName: "fibchat",
      parentSpanId: "",
      attributes: { "rpc.system": "grpc", "rpc.grpc.status_code": 0 },
    });
    const serverSpan = await receiver.waitFor(
      (span) => span.name === SESSION && span.kind === SERVER,
    );
    expect(serverSpan).toMatchObject({
      serviceName: "fibchat-chat-server",
      traceId: client?.traceId,
      parentSpanId: client?.spanId,
    });
    const append = await receiver.waitFor((span) => span.name === "MessageStore.append");
    expect(append).toMatchObject({ traceId: client?.traceId, parentSpanId: serverSpan.spanId });
  });
});

import { fileURLToPath } from "node:url";
import { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import {
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
  HealthClient,
} from "@fibchat/contracts/grpc/health/v1";
import { type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";
import { credentials, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  ackOf,
  getStats,
  openSession,
  readMessages,
  type TestSession,
} from "./test-support/chat-fixture.js";
import { describeWithRedis, startRedis, type TestRedis } from "./test-support/redis-server.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const { SERVING, NOT_SERVING } = HealthCheckResponse_ServingStatus;

/** The server's overall health as `Health.Watch` streams it, and a way to wait for a status. */
function watchHealth(client: HealthClient) {
  const call = client.watch({ service: "" });
  let current: HealthCheckResponse_ServingStatus | undefined;
  const waiters = new Set<{ status: HealthCheckResponse_ServingStatus; resolve: () => void }>();
  call.on("data", ({ status: reported }: HealthCheckResponse) => {
    current = reported;
    for (const waiter of waiters) {
      if (waiter.status !== reported) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  });
  // Cancelling at the end of the test is the only way this stream ends.
  call.on("error", () => {});
  return {
    until: (wanted: HealthCheckResponse_ServingStatus) =>
      current === wanted
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.add({ status: wanted, resolve })),
    cancel: () => call.cancel(),
  };
}

const texts = (session: TestSession) => session.messages().map(({ id, text }) => [id, text]);

describeWithRedis("a chat server whose Redis goes away", { timeout: 30_000 }, () => {
  let redis: TestRedis;
  let server: SpawnedServer;
  let chat: ChatServiceClient;
  let health: HealthClient;
  beforeAll(async () => {
    redis = await startRedis({ durable: true });
    server = await spawnServer(MAIN, ["--store", redis.url]);
    chat = new ChatServiceClient(server.address, credentials.createInsecure());
    health = new HealthClient(server.address, credentials.createInsecure());
  });
  afterAll(async () => {
    chat?.close();
    health?.close();
    server?.child.kill("SIGKILL");
    await server?.exited;
    await redis?.stop();
  });

  it("goes NOT_SERVING, refuses posts with UNAVAILABLE, and recovers by itself losing and repeating nothing", async () => {
    const healthStatus = watchHealth(health);
    await healthStatus.until(SERVING);
    const reader = openSession(chat, { room: "outage", author: "reader", replayAfterId: 0n });
    const writer = openSession(chat, { room: "outage", author: "writer", replayAfterId: 0n });
    for (let index = 1; index <= 5; index++) writer.post(`m${index}`, `m${index}`);
    await writer.waitFor(ackOf("m5"));

    await redis.kill();
    await healthStatus.until(NOT_SERVING);
    writer.post("m6", "m6");
    const refused = await writer.closed;
    expect(refused).toMatchObject({
      code: status.UNAVAILABLE,
      details: "the message store is unreachable; retry shortly",
    });
    expect(writer.events.some(ackOf("m6"))).toBe(false);
    await expect(getStats(chat)).rejects.toMatchObject({ code: status.UNAVAILABLE });

    await redis.restart();
    await healthStatus.until(SERVING);
    // What a client does after UNAVAILABLE: rejoin after the last id it has, and post again
    // whatever was not acknowledged, under the same client_message_id.
    const rejoined = openSession(chat, { room: "outage", author: "writer", replayAfterId: 5n });
    rejoined.post("m6", "m6");
    rejoined.post("m7", "m7");
    await rejoined.waitFor(ackOf("m7"));
    await reader.waitFor((e) => e.event?.$case === "message" && e.event.value.text === "m7");

    const expected = [1, 2, 3, 4, 5, 6, 7].map((id) => [BigInt(id), `m${id}`]);
    // The reader's session stayed open through the outage and got each message exactly once.
    expect(texts(reader)).toEqual(expected);
    expect(
      (await readMessages(chat, { room: "outage" })).map(({ id, text }) => [id, text]),
    ).toEqual(expected);
    expect(server.child.exitCode).toBeNull();
    expect(server.lines.map(({ msg }) => msg)).toEqual(
      expect.arrayContaining([
        "message store unreachable; health is NOT_SERVING until it is back",
        "message store reachable again; health is SERVING",
      ]),
    );
    expect(await Promise.all([reader.end(), rejoined.end()])).toEqual([null, null]);
    healthStatus.cancel();
  });
});

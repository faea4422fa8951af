import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ChatMessage, ChatServiceClient, type MessageAck } from "@fibchat/contracts/chat/v1";
import { type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";
import { credentials, status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ackOf, openSession, readMessages } from "./test-support/chat-fixture.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let dir: string;
const running: SpawnedServer[] = [];
const clients: ChatServiceClient[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fibchat-chat-"));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of running.splice(0)) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(storeFile: string, ...args: string[]) {
  const server = await spawnServer(MAIN, ["--store", `sqlite:${join(dir, storeFile)}`, ...args]);
  running.push(server);
  const client = new ChatServiceClient(server.address, credentials.createInsecure());
  clients.push(client);
  return { server, client };
}

function acks(events: ReturnType<typeof openSession>["events"]): MessageAck[] {
  return events.flatMap((e) => (e.event?.$case === "ack" ? [e.event.value] : []));
}

describe("the fibchat-chat-server process", { timeout: 30_000 }, () => {
  it("keeps every acknowledged message through kill -9, and continues ids without reuse", async () => {
    // `--post-rate 0`: 400 pipelined posts are far past the default rate limit; this test is
    // about durability, not limits.
    const first = await start("durable.sqlite", "--post-rate", "0");
    const session = openSession(first.client, { room: "durable", author: "ada" });
    session.closed.catch(() => {});
    const total = 400;
    for (let i = 0; i < total; i++) session.post(`message ${i}`, `d${i}`);
    await session.waitFor(ackOf("d150"));
    // Kill while posts are still being stored: only what was acknowledged is promised.
    first.server.child.kill("SIGKILL");
    await first.server.exited;
    const acknowledged = acks(session.events);
    expect(acknowledged.length).toBeGreaterThan(150);

    const second = await start("durable.sqlite");
    const stored = await readMessages(second.client, { room: "durable" });
    const byId = new Map(stored.map((m) => [m.id, m]));
    for (const ack of acknowledged) {
      expect(byId.get(ack.message?.id ?? 0n)).toEqual(ack.message);
    }
    expect(stored.map((m) => m.id)).toEqual(stored.map((_, i) => BigInt(i + 1)));

    const next = openSession(second.client, { room: "durable", author: "ada" });
    next.post("after restart", "after");
    const ack = await next.waitFor(ackOf("after"));
    expect(ack.event?.$case === "ack" && ack.event.value.message?.id).toBe(
      BigInt(stored.length + 1),
    );

    // Idempotency survives the restart: an acknowledged client_message_id is not stored again.
    const repeated = acknowledged[0];
    next.post("again", repeated?.clientMessageId);
    await next.waitFor((e) => e.event?.$case === "ack" && e.event.value.duplicate);
    const duplicate = acks(next.events).find((a) => a.duplicate);
    expect(duplicate?.message).toEqual(repeated?.message);
    await next.end();
  });

  it("on SIGTERM ends open sessions and follow streams with UNAVAILABLE, closes the store and exits 0", async () => {
    const { server, client } = await start("shutdown.sqlite", "--shutdown-grace", "20s");
    const session = openSession(client, { room: "bye", author: "ada" });
    session.post("hello", "h");
    await session.waitFor(ackOf("h"));
    const follow = client.getMessages({ room: "bye", afterId: 0n, limit: 0, follow: true });
    const followEnded = new Promise<{ code: number; details: string }>((resolve) =>
      follow.on("error", resolve),
    );
    await new Promise((resolve) => follow.once("data", resolve));

    server.child.kill("SIGTERM");
    const [sessionError, followError] = await Promise.all([session.closed, followEnded]);
    for (const error of [sessionError, followError]) {
      expect(error?.code).toBe(status.UNAVAILABLE);
      expect(error?.details).toMatch(/shutting down/);
    }
    expect(await server.exited).toBe(0);
    const messages = server.lines.map((line) => line.msg);
    expect(messages).toContain("stopped");
    expect(messages).not.toContain("grace period over; cutting off the calls still open");

    const again = await start("shutdown.sqlite");
    const stored: ChatMessage[] = await readMessages(again.client, { room: "bye" });
    expect(stored.map((m) => m.text)).toEqual(["hello"]);
  });

  it.each([
    [["--store", "postgres://x"], /not a store/],
    [["--max-queue", "0"], /invalid --max-queue/],
    [["--store", "sqlite:"], /file path/],
  ])("exits 2 for %j", async (args, message) => {
    const failure = spawnServer(MAIN, args);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toThrow(/exited with 2 /);
  });
});

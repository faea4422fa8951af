import { fileURLToPath } from "node:url";
import {
  ChatServiceClient,
  type ListMembersResponse,
  type ListRoomsResponse,
  type SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";
import { credentials } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { ackOf, openSession, type TestSession } from "./test-support/chat-fixture.js";
import { describeWithRedis, startRedis, type TestRedis } from "./test-support/redis-server.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

const joined = (e: SendAndReceiveMessageResponse) => e.event?.$case === "joined";
const left = (author: string) => (e: SendAndReceiveMessageResponse) =>
  e.event?.$case === "memberLeft" && e.event.value.author === author;

/** `joined ada`, `left ada` and `ada: text` for each member event and message, in order. */
function seen(session: TestSession): string[] {
  return session.events.flatMap(({ event }) => {
    if (event?.$case === "memberJoined") return [`joined ${event.value.author}`];
    if (event?.$case === "memberLeft") return [`left ${event.value.author}`];
    if (event?.$case === "message") return [`${event.value.author}: ${event.value.text}`];
    return [];
  });
}

function listMembers(client: ChatServiceClient, room: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    client.listMembers({ room }, (e, r: ListMembersResponse) =>
      e ? reject(e) : resolve(r.members.map(({ author, sessions }) => `${author}×${sessions}`)),
    ),
  );
}

function listRooms(client: ChatServiceClient): Promise<ListRoomsResponse> {
  return new Promise((resolve, reject) =>
    client.listRooms({ pageSize: 0, pageToken: "" }, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

describeWithRedis("presence across chat servers sharing one Redis", { timeout: 30_000 }, () => {
  let redis: TestRedis;
  const running: SpawnedServer[] = [];
  const clients: ChatServiceClient[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const server of running.splice(0)) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
  });
  afterAll(() => redis?.stop());

  // A short TTL so the kill -9 case ends fast; the test waits for the event, not for the time.
  async function start() {
    const server = await spawnServer(MAIN, ["--store", redis.url, "--presence-ttl", "1500ms"]);
    running.push(server);
    const client = new ChatServiceClient(server.address, credentials.createInsecure());
    clients.push(client);
    return { server, client };
  }

  it("lists A's members on B, sends B's sessions A's joins and leaves, and drops them when A is killed", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const watcher = openSession(b.client, {
      room: "lobby",
      author: "watcher",
      confirmJoin: true,
      presenceEvents: true,
    });
    await watcher.waitFor(joined);

    const ada = openSession(a.client, { room: "lobby", author: "ada", confirmJoin: true });
    ada.post("hi from A", "a1");
    await ada.waitFor(ackOf("a1"));
    expect(await listMembers(b.client, "lobby")).toEqual(["watcher×1", "ada×1"]);
    expect((await listRooms(b.client)).rooms).toMatchObject([
      { room: "lobby", messageCount: 1n, memberCount: 2 },
    ]);
    await ada.end();
    await watcher.waitFor(left("ada"));

    // Two sessions of one author on the instance about to die: one join, and one leave.
    const bob1 = openSession(a.client, { room: "lobby", author: "bob", confirmJoin: true });
    const bob2 = openSession(a.client, { room: "lobby", author: "bob", confirmJoin: true });
    await Promise.all([bob1.waitFor(joined), bob2.waitFor(joined)]);
    expect(await listMembers(b.client, "lobby")).toEqual(["watcher×1", "bob×2"]);
    a.server.child.kill("SIGKILL");
    await a.server.exited;
    await watcher.waitFor(left("bob"));
    expect(seen(watcher)).toEqual([
      "joined ada",
      "ada: hi from A",
      "left ada",
      "joined bob",
      "left bob",
    ]);
    expect(await listMembers(b.client, "lobby")).toEqual(["watcher×1"]);
    await watcher.end();
  });
});

import { fileURLToPath } from "node:url";
import { type ChatMessage, ChatServiceClient } from "@fibchat/contracts/chat/v1";
import { createTestTokens, type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";
import { credentials, Metadata } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import {
  ackOf,
  bearer,
  getStats,
  openSession,
  readMessages,
  type TestSession,
} from "./test-support/chat-fixture.js";
import { describeWithRedis, startRedis, type TestRedis } from "./test-support/redis-server.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** What a session has seen of its room: its own acknowledged posts and the others' messages. */
function timeline(session: TestSession): [id: bigint, author: string, text: string][] {
  const seen = session.events.flatMap(({ event }) => {
    if (event?.$case === "message") return [event.value];
    if (event?.$case === "ack" && event.value.message) return [event.value.message];
    return [];
  });
  return seen.map(({ id, author, text }) => [id, author, text]);
}

function ids(messages: readonly ChatMessage[]): bigint[] {
  return messages.map(({ id }) => id);
}

const upTo = (last: number) => Array.from({ length: last }, (_, index) => BigInt(index + 1));

const byText = (text: string) => (e: TestSession["events"][number]) =>
  e.event?.$case === "message" && e.event.value.text === text;

const tokens = await createTestTokens();

/**
 * How sessions say who they are: self-declared authors on a server that identifies no one, or
 * signed-in users (JWT) whose sessions join with an empty author that the server fills in.
 */
interface IdentityMode {
  readonly name: string;
  readonly args: readonly string[];
  /** The JoinRoom author and call metadata of a session for `user`. */
  as(user: string): Promise<{ readonly author: string; readonly metadata: Metadata }>;
}

const MODES: readonly IdentityMode[] = [
  {
    name: "self-declared authors",
    args: [],
    as: async (user) => ({ author: user, metadata: new Metadata() }),
  },
  {
    name: "signed-in users (JWT)",
    args: ["--auth-jwt-secret-file", tokens.secretFile],
    as: async (user) => ({ author: "", metadata: bearer(await tokens.hs256({ sub: user })) }),
  },
];

for (const mode of MODES)
  describeWithRedis(`chat servers sharing one Redis, ${mode.name}`, { timeout: 30_000 }, () => {
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

    async function start() {
      const server = await spawnServer(MAIN, ["--store", redis.url, ...mode.args]);
      running.push(server);
      const client = new ChatServiceClient(server.address, credentials.createInsecure());
      clients.push(client);
      return { server, client };
    }

    it("serve one room in one order; kill -9 one and the other goes on; restarted, it catches up", async () => {
      const [a, b] = await Promise.all([start(), start()]);
      const [ada, bob, carolId, daveId] = await Promise.all(
        ["ada", "bob", "carol", "dave"].map((user) => mode.as(user)),
      );
      if (!ada || !bob || !carolId || !daveId) throw new Error("no identities");
      const join = (client: ChatServiceClient, who: typeof ada, replayAfterId: bigint) =>
        openSession(client, { room: "scale", author: who.author, replayAfterId }, who.metadata);
      // Joining with replay_after_id 0 makes the test independent of when each join takes effect.
      const onA = join(a.client, ada, 0n);
      const onB = join(b.client, bob, 0n);
      for (let index = 0; index < 20; index++) {
        onA.post(`ada ${index}`, `a${index}`);
        onB.post(`bob ${index}`, `b${index}`);
      }
      // Messages arrive in id order, and each poster's last post has its highest id.
      await Promise.all([onA.waitFor(byText("bob 19")), onB.waitFor(byText("ada 19"))]);
      await Promise.all([onA.waitFor(ackOf("a19")), onB.waitFor(ackOf("b19"))]);

      for (const [session, other] of [
        [onA, "bob"],
        [onB, "ada"],
      ] as const) {
        const received = session.messages();
        expect(received.every(({ author }) => author === other)).toBe(true);
        expect(ids(received)).toEqual(ids(received).toSorted((x, y) => (x < y ? -1 : 1)));
      }
      const agreed = timeline(onA).toSorted(([x], [y]) => (x < y ? -1 : 1));
      expect(agreed.map(([id]) => id)).toEqual(upTo(40));
      expect(timeline(onB).toSorted(([x], [y]) => (x < y ? -1 : 1))).toEqual(agreed);
      const stored = await readMessages(b.client, { room: "scale" }, bob.metadata);
      expect(stored.map(({ id, author, text }) => [id, author, text])).toEqual(agreed);

      a.server.child.kill("SIGKILL");
      await a.server.exited;
      // The sessions on the dead instance end with an error; their clients rejoin elsewhere.
      expect(await onA.closed).not.toBeNull();
      const carol = join(b.client, carolId, 40n);
      carol.post("after the crash", "c1");
      onB.post("still here", "b20");
      await Promise.all([
        onB.waitFor(byText("after the crash")),
        carol.waitFor(byText("still here")),
      ]);
      await Promise.all([carol.waitFor(ackOf("c1")), onB.waitFor(ackOf("b20"))]);

      const restarted = await start();
      const dave = join(restarted.client, daveId, 0n);
      await Promise.all([
        dave.waitFor(byText("still here")),
        dave.waitFor(byText("after the crash")),
      ]);
      const caughtUp = dave.messages();
      expect(ids(caughtUp)).toEqual(upTo(42));
      expect(caughtUp).toEqual(await readMessages(b.client, { room: "scale" }, bob.metadata));

      // Message and room counts are global; connected clients are each instance's own.
      expect(await getStats(restarted.client, "scale", daveId.metadata)).toEqual({
        messageCount: 42n,
        roomCount: 1,
        connectedClients: 1,
        lastId: 42n,
      });
      expect(await getStats(b.client, "scale", bob.metadata)).toMatchObject({
        messageCount: 42n,
        connectedClients: 2,
      });
      await Promise.all([onB.end(), carol.end(), dave.end()]);
    });
  });

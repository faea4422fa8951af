import type {
  ChatServiceClient,
  ListMembersResponse,
  ListRoomsResponse,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { createLogCapture } from "@fibchat/server-kit/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { openStorage } from "./open-storage.js";
import { parseStoreLocation } from "./store-location.js";
import {
  type ChatFixture,
  getStats,
  openSession,
  readMessages,
  startChat,
  type TestSession,
  waitUntil,
} from "./test-support/chat-fixture.js";
import { describePresenceContract } from "./test-support/presence-contract.js";
import {
  describeWithRedisCluster,
  startRedisCluster,
  type TestCluster,
} from "./test-support/redis-cluster.js";

const ROOMS = Array.from({ length: 50 }, (_, index) => `room-${index}`);

const byText = (text: string) => (e: SendAndReceiveMessageResponse) =>
  e.event?.$case === "message" && e.event.value.text === text;
const joinedEvent = (author: string) => (e: SendAndReceiveMessageResponse) =>
  e.event?.$case === "memberJoined" && e.event.value.author === author;
const leftEvent = (author: string) => (e: SendAndReceiveMessageResponse) =>
  e.event?.$case === "memberLeft" && e.event.value.author === author;

/**
 * `promise`, or a failure naming `step` after `seconds`: a wait that never ends then says which
 * step it was instead of running into the test's timeout.
 */
function within<T>(step: string, promise: Promise<T>, seconds = 20): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step}: not within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function listMembers(client: ChatServiceClient, room: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    client.listMembers({ room }, (e, r: ListMembersResponse) =>
      e ? reject(e) : resolve(r.members.map(({ author }) => author).sort()),
    ),
  );
}

function listRooms(client: ChatServiceClient): Promise<ListRoomsResponse> {
  return new Promise((resolve, reject) =>
    client.listRooms({ pageSize: 0, pageToken: "" }, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

describeWithRedisCluster(
  "two chat servers, 50 rooms on a Redis Cluster",
  { timeout: 60_000 },
  () => {
    let cluster: TestCluster;
    const servers: ChatFixture[] = [];
    const sessions: TestSession[] = [];
    beforeAll(async () => {
      cluster = await startRedisCluster();
    }, 60_000);
    afterEach(async () => {
      for (const session of sessions.splice(0)) session.cancel();
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    });
    afterAll(() => cluster?.stop());

    let namespaces = 0;
    describePresenceContract("Redis Cluster", () =>
      openStorage(parseStoreLocation(cluster.url), createLogCapture().logger, {
        presenceTtlMs: 15_000,
        redisNamespace: `presence-${++namespaces}:`,
      }),
    );

    it("deliver across instances, share presence and room listings, and retain per room", async () => {
      const masters = new Set(
        await Promise.all(ROOMS.map((room) => cluster.masterOf(`fibchat:{${room}}:messages`))),
      );
      expect(masters.size).toBe(3);
      const a = await startChat({ store: cluster.url });
      // B keeps the newest two messages of each room: the two posted first are never trimmed
      // before both instances delivered them (with one kept, B could trim a room's first message
      // before A, on a busy machine, had read it: a lagging follower misses what retention took).
      const b = await startChat({
        store: cluster.url,
        retainMessages: 2,
        retentionInterval: 100,
      });
      servers.push(a, b);
      const open = (server: ChatFixture, room: string, author: string) => {
        const session = openSession(server.client, {
          room,
          author,
          replayAfterId: 0n,
          confirmJoin: true,
          presenceEvents: true,
        });
        sessions.push(session);
        return session;
      };

      const onA = ROOMS.map((room) => open(a, room, "ada"));
      const onB = ROOMS.map((room) => open(b, room, "bob"));
      await within(
        "every session joined",
        Promise.all(
          [...onA, ...onB].map((session) => session.waitFor((e) => e.event?.$case === "joined")),
        ),
      );
      ROOMS.forEach((room, index) => {
        onB[index]?.post(`bob in ${room}`);
        onA[index]?.post(`ada in ${room}`);
      });
      // Each instance delivers what the other stored, in every room, on every shard.
      const deliveries = ROOMS.flatMap((room, index) => [
        { room, instance: "A", session: onA[index], text: `bob in ${room}` },
        { room, instance: "B", session: onB[index], text: `ada in ${room}` },
      ]);
      const missing = () =>
        deliveries
          .filter(({ session, text }) => !session?.events.some(byText(text)))
          .map(({ room, instance, session }) => {
            const got = session?.messages().map(({ id, text }) => `#${id} ${text}`) ?? [];
            return `${room} on ${instance} (got: ${got.join(", ") || "nothing"})`;
          });
      await within(
        "each instance delivered the other's message in every room",
        Promise.all(deliveries.map(({ session, text }) => session?.waitFor(byText(text)))),
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; rooms still missing one: ${missing().join(", ")}`);
      });

      // Presence: each instance lists both; a join and a leave on B reach A's session as events.
      expect(await listMembers(a.client, "room-7")).toEqual(["ada", "bob"]);
      expect(await listMembers(b.client, "room-7")).toEqual(["ada", "bob"]);
      const roomSeven = onA[7];
      if (roomSeven === undefined) throw new Error("no session of A in room-7");
      const carol = open(b, "room-7", "carol");
      await within(
        "carol's join, on B, reached A's session",
        roomSeven.waitFor(joinedEvent("carol")),
      );
      await carol.end();
      await within(
        "carol's leave, on B, reached A's session",
        roomSeven.waitFor(leftEvent("carol")),
      );

      const listed = await listRooms(a.client);
      expect(listed.rooms.map(({ room }) => room)).toEqual([...ROOMS].sort());
      expect(listed.rooms.every(({ memberCount }) => memberCount === 2)).toBe(true);

      // B's retention keeps the newest two messages of every room, whichever shard holds it: a
      // third message in each room, acknowledged, leaves 100 of 150.
      const ackOf = (text: string) => (e: SendAndReceiveMessageResponse) =>
        e.event?.$case === "ack" && e.event.value.message?.text === text;
      await within(
        "a third message in every room acknowledged",
        Promise.all(
          ROOMS.map((room, index) => {
            onA[index]?.post(`ada again in ${room}`);
            return onA[index]?.waitFor(ackOf(`ada again in ${room}`));
          }),
        ),
      );
      await waitUntil(async () => (await getStats(a.client)).messageCount === 100n);
      expect(await getStats(a.client)).toMatchObject({ messageCount: 100n, roomCount: 50 });
      const kept = await readMessages(a.client, { room: "room-3", afterId: 0n, limit: 0 });
      expect(kept.map(({ id }) => id)).toEqual([2n, 3n]);
    });
  },
);

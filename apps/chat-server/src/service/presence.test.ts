import type {
  ListMembersResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ackOf,
  type ChatFixture,
  openSession,
  startChat,
  type TestSession,
  waitUntil,
} from "../test-support/chat-fixture.js";

let chat: ChatFixture;
const sessions: TestSession[] = [];
beforeEach(async () => {
  chat = await startChat();
});
afterEach(async () => {
  for (const session of sessions.splice(0)) session.cancel();
  await chat.stop();
});

function join(room: string, author: string, presenceEvents?: boolean): TestSession {
  const session = openSession(chat.client, {
    room,
    author,
    confirmJoin: true,
    ...(presenceEvents === undefined ? {} : { presenceEvents }),
  });
  sessions.push(session);
  return session;
}

const joined = (e: SendAndReceiveMessageResponse) => e.event?.$case === "joined";

/** `joined ada`, `left ada` and `ada: text` for each member event and message, in order. */
function seen(session: TestSession): string[] {
  return session.events.flatMap(({ event }) => {
    if (event?.$case === "memberJoined") return [`joined ${event.value.author}`];
    if (event?.$case === "memberLeft") return [`left ${event.value.author}`];
    if (event?.$case === "message") return [`${event.value.author}: ${event.value.text}`];
    return [];
  });
}

function listMembers(room: string): Promise<ListMembersResponse> {
  return new Promise((resolve, reject) =>
    chat.client.listMembers({ room }, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

function listRooms(request: Partial<ListRoomsRequest> = {}): Promise<ListRoomsResponse> {
  return new Promise((resolve, reject) =>
    chat.client.listRooms({ pageSize: 0, pageToken: "", ...request }, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
}

describe("presence events", () => {
  it("reach sessions that ask for them: a member with two sessions joins once and leaves once, never told of itself", async () => {
    const watcher = join("r", "watcher", true);
    await watcher.waitFor(joined);
    const plain = join("r", "plain");
    await plain.waitFor(joined);
    const ada1 = join("r", "ada", true);
    await ada1.waitFor(joined);
    const ada2 = join("r", "ada", true);
    await ada2.waitFor(joined);
    ada1.post("hello", "h1");
    await watcher.waitFor((e) => e.event?.$case === "message");
    await ada1.end();
    await ada2.end();
    await watcher.waitFor((e) => e.event?.$case === "memberLeft");
    expect(seen(watcher)).toEqual(["joined plain", "joined ada", "ada: hello", "left ada"]);
    const [, member] = watcher.events.flatMap((e) =>
      e.event?.$case === "memberJoined" ? [e.event.value] : [],
    );
    expect(member).toMatchObject({ room: "r", author: "ada", sessions: 1 });
    // The member's own sessions hear nothing of it; a session that did not ask, no member event.
    const memberEvents = (session: TestSession) =>
      seen(session).filter((line) => /^(joined|left) /.test(line));
    expect(memberEvents(ada1)).toEqual([]);
    expect(memberEvents(ada2)).toEqual([]);
    expect(seen(plain)).toEqual(["ada: hello"]);
    await watcher.end();
  });

  it("come before the member's first message, even posted right after the join", async () => {
    const watcher = join("r", "watcher", true);
    await watcher.waitFor(joined);
    for (const author of ["a", "b", "c"]) {
      const session = join("r", author);
      session.post(`from ${author}`, "p");
      await session.waitFor(ackOf("p"));
    }
    await waitUntil(() => seen(watcher).length === 6);
    expect(seen(watcher)).toEqual([
      "joined a",
      "a: from a",
      "joined b",
      "b: from b",
      "joined c",
      "c: from c",
    ]);
  });
});

describe("ListMembers", () => {
  it("lists who is in the room, the longest present first, with their open sessions", async () => {
    for (const author of ["ada", "bob", "ada"]) await join("r", author).waitFor(joined);
    await join("elsewhere", "cy").waitFor(joined);
    const { members } = await listMembers("r");
    expect(members.map(({ author, sessions, room }) => [author, sessions, room])).toEqual([
      ["ada", 2, "r"],
      ["bob", 1, "r"],
    ]);
    expect(members[0]?.joinedAt).toBeInstanceOf(Date);
    expect((await listMembers("")).members).toEqual([]);
  });

  it("refuses a malformed room with INVALID_ARGUMENT", async () => {
    await expect(listMembers("Not A Room")).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});

describe("ListRooms", () => {
  it("lists rooms with messages or members by name, a page at a time", async () => {
    for (const [index, room] of ["b", "d", "b"].entries()) {
      const poster = join(room, "ada");
      poster.post("x", `x${index}`);
      await poster.waitFor(ackOf(`x${index}`));
      await poster.end();
    }
    await join("c", "bob").waitFor(joined);
    await join("a", "cy").waitFor(joined);
    const all = await listRooms();
    expect(all.nextPageToken).toBe("");
    expect(
      all.rooms.map(({ room, messageCount, memberCount, lastMessageAt }) => [
        room,
        messageCount,
        memberCount,
        lastMessageAt instanceof Date,
      ]),
    ).toEqual([
      ["a", 0n, 1, false],
      ["b", 2n, 0, true],
      ["c", 0n, 1, false],
      ["d", 1n, 0, true],
    ]);
    const names: string[] = [];
    let pageToken = "";
    do {
      const page = await listRooms({ pageSize: 3, pageToken });
      expect(page.rooms.length).toBeLessThanOrEqual(3);
      names.push(...page.rooms.map(({ room }) => room));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    expect(names).toEqual(["a", "b", "c", "d"]);
  });

  it("refuses a page token it did not make with INVALID_ARGUMENT", async () => {
    await expect(listRooms({ pageToken: "nonsense" })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});

describe("GetStats", () => {
  it("keeps connected_clients per instance and per session", async () => {
    for (const author of ["ada", "ada"]) await join("r", author).waitFor(joined);
    const stats = await new Promise<{ connectedClients: number }>((resolve, reject) =>
      chat.client.getStats({ room: "r" }, new Metadata(), (e: ServiceError | null, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
    expect(stats.connectedClients).toBe(2);
  });
});

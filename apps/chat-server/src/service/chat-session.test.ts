import { status } from "@grpc/grpc-js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ackOf,
  type ChatFixture,
  getStats,
  openSession,
  readMessages,
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

function join(room: string, author: string, replayAfterId?: bigint): TestSession {
  const session = openSession(chat.client, {
    room,
    author,
    ...(replayAfterId !== undefined && { replayAfterId }),
  });
  sessions.push(session);
  return session;
}

describe("a room", () => {
  it.each([2, 20])(
    "%i sessions: each post is acked to its sender and delivered once to every other member, in id order",
    async (size) => {
      const members = Array.from({ length: size }, (_, i) => join("lobby", `user${i}`));
      const outsider = join("elsewhere", "outsider");
      await waitUntil(
        () => chat.sessions.count("lobby") === size && chat.sessions.count("elsewhere") === 1,
      );
      const perMember = 3;
      members.forEach((member, i) => {
        for (let k = 0; k < perMember; k++) member.post(`hello ${i}.${k}`, `m${i}.${k}`);
      });
      await Promise.all(
        members.flatMap((member, i) =>
          Array.from({ length: perMember }, (_, k) => member.waitFor(ackOf(`m${i}.${k}`))),
        ),
      );
      const total = size * perMember;
      await waitUntil(() => members.every((m) => m.messages().length === total - perMember));
      for (const [i, member] of members.entries()) {
        const acks = member.events.flatMap((e) =>
          e.event?.$case === "ack" ? [e.event.value] : [],
        );
        expect(acks.map((a) => a.clientMessageId)).toEqual(
          Array.from({ length: perMember }, (_, k) => `m${i}.${k}`),
        );
        const received = member.messages();
        expect(received.every((m) => m.author !== `user${i}`)).toBe(true);
        const ids = received.map((m) => m.id);
        expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
        expect(new Set(ids).size).toBe(ids.length);
      }
      const allIds = members.flatMap((m) =>
        m.events.flatMap((e) => (e.event?.$case === "ack" ? [e.event.value.message?.id] : [])),
      );
      expect(allIds.sort((a, b) => Number((a ?? 0n) - (b ?? 0n)))).toEqual(
        Array.from({ length: total }, (_, k) => BigInt(k + 1)),
      );
      expect(outsider.events).toEqual([]);
    },
  );

  it("the ack carries the stored message: id, room, author, text and a server timestamp", async () => {
    const before = Date.now();
    const session = join("", "ada");
    session.post("first!", "c1");
    const ack = await session.waitFor(ackOf("c1"));
    if (ack.event?.$case !== "ack") throw new Error("expected an ack");
    expect(ack.event.value).toMatchObject({
      duplicate: false,
      message: { room: "general", id: 1n, author: "ada", text: "first!" },
    });
    expect(ack.event.value.message?.sentAt?.getTime()).toBeGreaterThanOrEqual(before - 1);
  });
});

describe("join rules", () => {
  it("the first request must be join", async () => {
    const session = openSession(chat.client, undefined);
    sessions.push(session);
    session.post("hi");
    const error = await session.closed;
    expect(error?.code).toBe(status.FAILED_PRECONDITION);
    expect(error?.details).toMatch(/first request .* must be join/);
  });

  it("a second join ends the session with FAILED_PRECONDITION", async () => {
    const raw = chat.client.sendAndReceiveMessage();
    const ended = new Promise<{ code: number; details: string }>((resolve) =>
      raw.on("error", resolve).on("data", () => {}),
    );
    raw.write({ action: { $case: "join", value: { room: "a", author: "ada" } } });
    raw.write({ action: { $case: "join", value: { room: "b", author: "ada" } } });
    const error = await ended;
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toMatch(/already joined/);
  });

  it.each([
    [{ room: "Bad Room", author: "ada" }, /room/],
    [{ room: "x".repeat(65), author: "ada" }, /room/],
    [{ room: "-leading", author: "ada" }, /room/],
    [{ room: "ok", author: "" }, /author/],
    [{ room: "ok", author: "a".repeat(65) }, /author/],
    [{ room: "ok", author: "bell\u0007" }, /author/],
  ])("join %j → INVALID_ARGUMENT naming %s", async (joinRequest, message) => {
    const session = openSession(chat.client, joinRequest);
    sessions.push(session);
    const error = await session.closed;
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(message);
  });

  it("half-closing without sending anything ends the call OK (interop empty_stream)", async () => {
    const session = openSession(chat.client, undefined);
    expect(await session.end()).toBeNull();
  });
});

describe("post rules", () => {
  it.each([
    ["", /empty/],
    ["x".repeat(4097), /bytes/],
    ["bell\u0007", /control character/],
    ["nul\u0000", /control character/],
  ])("post %j is rejected and the session goes on", async (text, reason) => {
    const session = join("rules", "ada");
    session.post(text, "bad");
    const rejected = await session.waitFor((e) => e.event?.$case === "rejected");
    if (rejected.event?.$case !== "rejected") throw new Error("expected a rejection");
    expect(rejected.event.value.clientMessageId).toBe("bad");
    expect(rejected.event.value.reason).toMatch(reason);
    session.post("fine\twith tab\nand newline", "good");
    await session.waitFor(ackOf("good"));
    expect(await readMessages(chat.client, { room: "rules" })).toHaveLength(1);
  });

  it("a client_message_id over 128 characters is rejected", async () => {
    const session = join("rules", "ada");
    session.post("text", "i".repeat(129));
    const rejected = await session.waitFor((e) => e.event?.$case === "rejected");
    expect(rejected.event?.$case === "rejected" && rejected.event.value.reason).toMatch(/128/);
  });

  it("exactly 4096 bytes of UTF-8 is accepted", async () => {
    const session = join("rules", "ada");
    session.post("é".repeat(2048), "max");
    await session.waitFor(ackOf("max"));
  });
});

describe("idempotency", () => {
  it("the same client_message_id again returns the original with duplicate = true", async () => {
    const session = join("idem", "ada");
    session.post("once", "same");
    session.post("twice?", "same");
    await waitUntil(() => session.events.filter(ackOf("same")).length === 2);
    const [first, second] = session.events
      .filter(ackOf("same"))
      .map((e) => (e.event?.$case === "ack" ? e.event.value : undefined));
    expect(first?.duplicate).toBe(false);
    expect(second?.duplicate).toBe(true);
    expect(second?.message).toEqual(first?.message);
    expect(await readMessages(chat.client, { room: "idem" })).toHaveLength(1);
  });

  it("another author may use the same client_message_id", async () => {
    const ada = join("idem", "ada");
    const bob = join("idem", "bob");
    ada.post("a", "x");
    bob.post("b", "x");
    await Promise.all([ada.waitFor(ackOf("x")), bob.waitFor(ackOf("x"))]);
    expect(await readMessages(chat.client, { room: "idem" })).toHaveLength(2);
  });
});

describe("replay", () => {
  it("a session rejoining with replay_after_id while others keep posting sees every message exactly once, in order", async () => {
    const poster = join("replay", "poster");
    for (let i = 0; i < 50; i++) poster.post(`early ${i}`, `e${i}`);
    await poster.waitFor(ackOf("e49"));
    let posting = true;
    const more = (async () => {
      for (let i = 0; posting; i++) {
        poster.post(`late ${i}`, `l${i}`);
        await poster.waitFor(ackOf(`l${i}`));
      }
    })();
    const reader = join("replay", "reader", 20n);
    await waitUntil(() => reader.messages().length >= 100);
    posting = false;
    await more;
    const last = poster.events.filter((e) => e.event?.$case === "ack").length;
    await waitUntil(() => reader.messages().length === last - 20);
    const ids = reader.messages().map((m) => m.id);
    expect(ids).toEqual(Array.from({ length: last - 20 }, (_, i) => BigInt(21 + i)));
  });
});

describe("sessions end cleanly", () => {
  it("half-close after posts: every post is acked, then OK", async () => {
    const session = join("bye", "ada");
    for (let i = 0; i < 200; i++) session.post(`m${i}`, `${i}`);
    expect(await session.end()).toBeNull();
    expect(session.events.filter((e) => e.event?.$case === "ack")).toHaveLength(200);
  });

  it("connected_clients goes up with joins and down with cancel and half-close", async () => {
    const a = join("count", "a");
    const b = join("count", "b");
    const c = join("other", "c");
    await waitUntil(async () => (await getStats(chat.client, "count")).connectedClients === 2);
    expect((await getStats(chat.client)).connectedClients).toBe(3);
    a.cancel();
    await b.end();
    await waitUntil(async () => (await getStats(chat.client, "count")).connectedClients === 0);
    expect((await getStats(chat.client)).connectedClients).toBe(1);
    c.cancel();
    await waitUntil(() => chat.sessions.count(undefined) === 0);
  });
});

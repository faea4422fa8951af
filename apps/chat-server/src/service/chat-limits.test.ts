import type { ChatServiceClient, SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ChatFixture,
  openSession,
  readMessages,
  startChat,
  type TestSession,
  waitUntil,
} from "../test-support/chat-fixture.js";

// Every test client is anonymous on 127.0.0.1, so the limits count them all under this key.
const KEY = "peer:127.0.0.1";

let chat: ChatFixture | undefined;
const sessions: TestSession[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) session.cancel();
  await chat?.stop();
  chat = undefined;
});

async function start(overrides: Parameters<typeof startChat>[0]): Promise<ChatFixture> {
  chat = await startChat(overrides);
  return chat;
}

function join(client: ChatServiceClient, room: string, author = "ada"): TestSession {
  const session = openSession(client, { room, author });
  sessions.push(session);
  return session;
}

type Answer = Extract<SendAndReceiveMessageResponse["event"], { $case: "ack" | "rejected" }>;

function answersTo(session: TestSession, clientMessageId: string): Answer[] {
  return session.events.flatMap(({ event }) =>
    (event?.$case === "ack" || event?.$case === "rejected") &&
    event.value.clientMessageId === clientMessageId
      ? [event]
      : [],
  );
}

/** Posts and resolves with this post's answer (the next one for its client_message_id). */
async function postAndAnswer(session: TestSession, text: string, id: string): Promise<Answer> {
  const before = answersTo(session, id).length;
  session.post(text, id);
  await waitUntil(() => answersTo(session, id).length > before);
  const answer = answersTo(session, id)[before];
  if (answer === undefined) throw new Error(`no answer to ${id}`);
  return answer;
}

/** A `GetMessages` call with `follow`, and the status it ended with (null: OK). */
function follow(client: ChatServiceClient, room: string, metadata = new Metadata()) {
  const call = client.getMessages({ room, afterId: 0n, limit: 0, follow: true }, metadata);
  call.on("data", () => {});
  const closed = new Promise<ServiceError | null>((resolve) => {
    call.on("error", (error: ServiceError) => resolve(error));
    call.on("end", () => resolve(null));
  });
  return { cancel: () => call.cancel(), closed };
}

const RATE_LIMITED =
  /^rate limited: at most 1 post per second \(burst 3\) per client address; retry in \d+ ms$/;

describe("--post-rate and --post-burst", () => {
  it("reject the posts beyond the burst with the reason, store none of them, keep the session, and store a rejected post sent again after the refill once", async () => {
    // The bucket's own clock, moved by the test: no refill happens unless the test says so.
    let clock = 0;
    const { client } = await start({ postRate: 1, postBurst: 3, rateClock: () => clock });
    const session = join(client, "limited");
    const ids = ["p1", "p2", "p3", "p4", "p5"];
    for (const id of ids) session.post(`text ${id}`, id);
    await waitUntil(() => ids.every((id) => answersTo(session, id).length === 1));

    const first = ids.map((id) => answersTo(session, id)[0]);
    expect(first.map((answer) => answer?.$case)).toEqual([
      "ack",
      "ack",
      "ack",
      "rejected",
      "rejected",
    ]);
    for (const answer of first.slice(3)) {
      expect(answer?.$case === "rejected" && answer.value.reason).toMatch(RATE_LIMITED);
      // The hint a client waits on: one token at 1 post/s, nothing yet refilled.
      expect(answer?.$case === "rejected" && answer.value.retryAfterMs).toBe(1_000);
      expect(answer?.$case === "rejected" && answer.value.code).toBe(status.RESOURCE_EXHAUSTED);
    }
    expect((await readMessages(client, { room: "limited" })).map((m) => m.text)).toEqual([
      "text p1",
      "text p2",
      "text p3",
    ]);

    // Sent again before the refill: refused again. After a second's refill: stored, once.
    expect((await postAndAnswer(session, "text p4", "p4")).$case).toBe("rejected");
    for (const id of ["p4", "p5"]) {
      clock += 1_000;
      const answer = await postAndAnswer(session, `text ${id}`, id);
      expect(answer.$case === "ack" && answer.value.duplicate).toBe(false);
    }
    expect((await readMessages(client, { room: "limited" })).map((m) => m.text)).toEqual(
      ids.map((id) => `text ${id}`),
    );
  });

  it("are off with --post-rate 0", async () => {
    const { client, limits } = await start({ postRate: 0, postBurst: 1 });
    expect(limits.posts).toBeUndefined();
    const session = join(client, "unlimited");
    const ids = Array.from({ length: 50 }, (_, i) => `u${i}`);
    for (const id of ids) session.post(id, id);
    await waitUntil(() => ids.every((id) => answersTo(session, id).length === 1));
    expect(ids.map((id) => answersTo(session, id)[0]?.$case)).toEqual(ids.map(() => "ack"));
  });
});

const SESSIONS_EXHAUSTED =
  /at most 3 open chat sessions and follow streams per client address \(--max-sessions-per-user\); close one first/;

describe("--max-sessions-per-user", () => {
  it("refuses the session or follow stream over the limit with RESOURCE_EXHAUSTED naming the flag, and admits one again once a call closes", async () => {
    const { client, limits } = await start({ maxSessionsPerUser: 3 });
    const ada = join(client, "room-a", "ada");
    const bob = join(client, "room-b", "bob");
    const follower = follow(client, "room-a");
    await waitUntil(() => limits.sessions?.held(KEY) === 3);

    const refused = join(client, "room-c", "cy");
    expect(await refused.closed).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(SESSIONS_EXHAUSTED),
    });
    expect(await follow(client, "room-a").closed).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(SESSIONS_EXHAUSTED),
    });
    // Reading history without follow ends by itself and is not counted.
    expect(await readMessages(client, { room: "room-a" })).toEqual([]);

    follower.cancel();
    await waitUntil(() => limits.sessions?.held(KEY) === 2);
    const admitted = join(client, "room-c", "cy");
    expect((await postAndAnswer(admitted, "in", "in1")).$case).toBe("ack");

    expect(await bob.end()).toBeNull();
    await waitUntil(() => limits.sessions?.held(KEY) === 2);
    const followerAgain = follow(client, "room-a");
    await waitUntil(() => limits.sessions?.held(KEY) === 3);
    followerAgain.cancel();
    ada.cancel();
    admitted.cancel();
    await waitUntil(() => limits.sessions?.held(KEY) === 0);
  });

  it.each([
    ["the client cancels", (session: TestSession) => session.cancel()],
    ["the client half-closes", (session: TestSession) => void session.end()],
  ])("gives the slot back when %s", async (_, close) => {
    const { client, limits } = await start({ maxSessionsPerUser: 1 });
    const session = join(client, "room");
    await waitUntil(() => limits.sessions?.held(KEY) === 1);
    close(session);
    await session.closed;
    await waitUntil(() => limits.sessions?.held(KEY) === 0);
  });

  it("gives the slot back when the call fails: a first request that is not join", async () => {
    const { client, limits } = await start({ maxSessionsPerUser: 1 });
    const session = openSession(client, undefined);
    sessions.push(session);
    session.post("no join first", "x");
    expect(await session.closed).toMatchObject({ code: status.FAILED_PRECONDITION });
    await waitUntil(() => limits.sessions?.held(KEY) === 0);
  });

  it("gives the slot back when the deadline passes", async () => {
    const { client, limits } = await start({ maxSessionsPerUser: 1 });
    const call = client.getMessages(
      { room: "room", afterId: 0n, limit: 0, follow: true },
      new Metadata(),
      { deadline: Date.now() + 3_000 },
    );
    call.on("data", () => {});
    const ended = new Promise<ServiceError>((resolve) => call.on("error", resolve));
    // The slot is taken first, so its return below is the deadline's doing.
    await waitUntil(() => limits.sessions?.held(KEY) === 1);
    expect((await ended).code).toBe(status.DEADLINE_EXCEEDED);
    await waitUntil(() => limits.sessions?.held(KEY) === 0);
  });

  it("gives every slot back when the server shuts down", async () => {
    const fixture = await start({ maxSessionsPerUser: 2 });
    const session = join(fixture.client, "room");
    const follower = follow(fixture.client, "room");
    await waitUntil(() => fixture.limits.sessions?.held(KEY) === 2);
    await fixture.stop();
    chat = undefined;
    expect((await session.closed)?.code).toBe(status.UNAVAILABLE);
    expect((await follower.closed)?.code).toBe(status.UNAVAILABLE);
    expect(fixture.limits.sessions?.held(KEY)).toBe(0);
  });

  it("is off with --max-sessions-per-user 0", async () => {
    const { client, limits } = await start({ maxSessionsPerUser: 0 });
    expect(limits.sessions).toBeUndefined();
    const many = Array.from({ length: 20 }, (_, i) => join(client, "crowd", `user${i}`));
    const answers = await Promise.all(many.map((s, i) => postAndAnswer(s, "hi", `c${i}`)));
    expect(answers.map((a) => a.$case)).toEqual(many.map(() => "ack"));
  });
});

import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { status } from "@grpc/grpc-js";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  ackOf,
  type ChatFixture,
  openSession,
  startChat,
  waitUntil,
} from "../test-support/chat-fixture.js";

const MAX_QUEUE = 50;
const POSTS = 600;
// Large texts fill the slow client's flow-control window quickly, so the server has to queue.
const text = (i: number) => `${i} ${"x".repeat(2_000)}`;

let chat: ChatFixture;
beforeEach(async () => {
  chat = await startChat({ maxQueue: MAX_QUEUE });
});
afterEach(() => chat.stop());

it("a session that stops reading is cut off with RESOURCE_EXHAUSTED while a fast one keeps receiving", async () => {
  const slow = openSession(chat.client, { room: "busy", author: "slow" });
  const fast = openSession(chat.client, { room: "busy", author: "fast" });
  const poster = openSession(chat.client, { room: "busy", author: "poster" });
  await waitUntil(() => chat.sessions.count("busy") === 3);
  slow.pause();

  for (let i = 0; i < POSTS; i++) poster.post(text(i), `p${i}`);
  await poster.waitFor(ackOf(`p${POSTS - 1}`));
  await waitUntil(() => fast.messages().length === POSTS);
  expect(fast.messages().map((m) => m.id)).toEqual(
    Array.from({ length: POSTS }, (_, i) => BigInt(i + 1)),
  );

  // The slow session was dropped at once, without waiting for it to read again.
  await waitUntil(() => chat.sessions.count("busy") === 2);
  expect(chat.metrics.feedQueueHighWaterMark).toBeLessThanOrEqual(MAX_QUEUE);

  slow.resume();
  const error = await slow.closed;
  expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
  expect(error?.details).toMatch(/replay_after_id/);
  const received = slow.messages();
  expect(received.length).toBeLessThan(POSTS);

  // Resuming as told recovers every message exactly once.
  const last = received.at(-1)?.id ?? 0n;
  const again = openSession(chat.client, { room: "busy", author: "slow", replayAfterId: last });
  await waitUntil(() => again.messages().length === POSTS - Number(last));
  const all: ChatMessage[] = [...received, ...again.messages()];
  expect(all.map((m) => m.id)).toEqual(Array.from({ length: POSTS }, (_, i) => BigInt(i + 1)));
  await Promise.all([again.end(), fast.end(), poster.end()]);
});

it("a follow stream that stops reading is cut off with RESOURCE_EXHAUSTED naming after_id", async () => {
  const call = chat.client.getMessages({ room: "busy", afterId: 0n, limit: 0, follow: true });
  const ended = new Promise<{ code: number; details: string }>((resolve) =>
    call.on("error", resolve),
  );
  const poster = openSession(chat.client, { room: "busy", author: "poster" });
  poster.post("first", "first");
  await new Promise((resolve) => call.once("data", resolve));
  call.pause();
  for (let i = 0; i < POSTS; i++) poster.post(text(i), `p${i}`);
  await poster.waitFor(ackOf(`p${POSTS - 1}`));
  call.on("data", () => {});
  call.resume();
  const error = await ended;
  expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
  expect(error.details).toMatch(/after_id/);
  expect(chat.metrics.feedQueueHighWaterMark).toBeLessThanOrEqual(MAX_QUEUE);
  await poster.end();
});

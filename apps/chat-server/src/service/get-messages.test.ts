import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ackOf,
  type ChatFixture,
  getStats,
  openSession,
  readMessages,
  startChat,
  waitUntil,
} from "../test-support/chat-fixture.js";

let chat: ChatFixture;
beforeAll(async () => {
  chat = await startChat();
  const ada = openSession(chat.client, { room: "history", author: "ada" });
  for (let i = 1; i <= 30; i++) ada.post(`message ${i}`, `h${i}`);
  const bob = openSession(chat.client, { room: "other", author: "bob" });
  for (let i = 1; i <= 5; i++) bob.post(`other ${i}`, `o${i}`);
  await Promise.all([ada.waitFor(ackOf("h30")), bob.waitFor(ackOf("o5"))]);
  await Promise.all([ada.end(), bob.end()]);
});
afterAll(() => chat.stop());

const ids = (messages: ChatMessage[]) => messages.map((m) => Number(m.id));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("GetMessages", () => {
  it.each([
    [0, 0, range(1, 30)],
    [10, 0, range(11, 30)],
    [0, 5, range(1, 5)],
    [25, 10, range(26, 30)],
    [30, 0, []],
    [1000, 0, []],
  ])("after_id %i, limit %i: ids %j, oldest first", async (afterId, limit, expected) => {
    const messages = await readMessages(chat.client, {
      room: "history",
      afterId: BigInt(afterId),
      limit,
    });
    expect(ids(messages)).toEqual(expected);
  });

  it("an empty room name reads room general", async () => {
    expect(await readMessages(chat.client, { room: "" })).toEqual([]);
  });

  it("a malformed room is INVALID_ARGUMENT", async () => {
    await expect(readMessages(chat.client, { room: "No Such Room!" })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/room/),
    });
  });

  it("follow: the stored ones, then new posts live, until the client cancels", async () => {
    const call = chat.client.getMessages({ room: "history", afterId: 28n, limit: 0, follow: true });
    const received: ChatMessage[] = [];
    let onMessage = () => {};
    call.on("data", ({ message }: { message?: ChatMessage }) => {
      if (message) received.push(message);
      onMessage();
    });
    const ended = new Promise<{ code: number }>((resolve) => call.on("error", resolve));
    const count = (n: number) =>
      new Promise<void>((resolve) => {
        onMessage = () => received.length >= n && resolve();
        onMessage();
      });
    await count(2);
    const carol = openSession(chat.client, { room: "history", author: "carol" });
    carol.post("live one", "live");
    await count(3);
    expect(ids(received)).toEqual([29, 30, 31]);
    expect(received[2]?.text).toBe("live one");
    call.cancel();
    expect((await ended).code).toBe(status.CANCELLED);
    await carol.end();
  });

  it("follow with a limit: at most that many stored, then live ones", async () => {
    const call = chat.client.getMessages({ room: "other", afterId: 0n, limit: 2, follow: true });
    const received: ChatMessage[] = [];
    const third = new Promise<void>((resolve) =>
      call.on("data", ({ message }: { message?: ChatMessage }) => {
        if (message) received.push(message);
        if (received.length === 3) resolve();
      }),
    );
    call.on("error", () => {});
    // Wait for the two stored messages before posting, so the third can only be the live one.
    await waitUntil(() => received.length === 2);
    const dan = openSession(chat.client, { room: "other", author: "dan" });
    dan.post("live", "l");
    await third;
    expect(ids(received)).toEqual([1, 2, 6]);
    call.cancel();
    await dan.end();
  });
});

describe("GetStats", () => {
  it("counts per room and for the whole server", async () => {
    const history = await getStats(chat.client, "history");
    expect(history.messageCount).toBeGreaterThanOrEqual(30n);
    expect(history.roomCount).toBe(1);
    const empty = await getStats(chat.client, "nobody-here");
    expect(empty).toEqual({ messageCount: 0n, roomCount: 0, connectedClients: 0, lastId: 0n });
    const all = await getStats(chat.client, "");
    expect(all.roomCount).toBe(2);
    expect(all.messageCount).toBe(
      history.messageCount + (await getStats(chat.client, "other")).messageCount,
    );
  });

  it("a malformed room is INVALID_ARGUMENT", async () => {
    await expect(getStats(chat.client, "UPPER")).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});

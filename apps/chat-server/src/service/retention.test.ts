import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ackOf,
  type ChatFixture,
  getStats,
  openSession,
  readMessages,
  startChat,
} from "../test-support/chat-fixture.js";
import { OLDEST_ID_TRAILER } from "./retention-status.js";

const ids = (messages: readonly ChatMessage[]) => messages.map((m) => Number(m.id));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

let chat: ChatFixture;
beforeAll(async () => {
  // An hour between passes: the test trims when it wants, with trimNow.
  chat = await startChat({ retainMessages: 10, retentionInterval: 3_600_000 });
  const ada = openSession(chat.client, { room: "kept", author: "ada" });
  for (let i = 1; i <= 30; i++) ada.post(`message ${i}`, `k${i}`);
  await ada.waitFor(ackOf("k30"));
  await ada.end();
  await chat.retention?.trimNow();
});
afterAll(() => chat.stop());

function oldestIdOf(error: ServiceError): string[] {
  return error.metadata.get(OLDEST_ID_TRAILER).map(String);
}

describe("with --retain-messages 10", () => {
  it("GetStats counts the messages kept, and gives the room's last id apart", async () => {
    expect(await getStats(chat.client, "kept")).toMatchObject({
      messageCount: 10n,
      roomCount: 1,
      lastId: 30n,
    });
    const all = await getStats(chat.client);
    expect(all).toMatchObject({ messageCount: 10n, roomCount: 1 });
    expect(all.lastId).toBeUndefined();
  });

  it.each([
    [0, range(21, 30)],
    [20, range(21, 30)],
    [25, range(26, 30)],
    [30, []],
  ])("GetMessages after_id %i reads what is kept: %j", async (afterId, expected) => {
    const messages = await readMessages(chat.client, { room: "kept", afterId: BigInt(afterId) });
    expect(ids(messages)).toEqual(expected);
  });

  it.each([1, 5, 18])(
    "GetMessages after_id %i, inside the removed range, is OUT_OF_RANGE with the oldest kept id",
    async (afterId) => {
      const error: ServiceError = await readMessages(chat.client, {
        room: "kept",
        afterId: BigInt(afterId),
      }).then(
        () => expect.fail("read succeeded"),
        (failure: ServiceError) => failure,
      );
      expect(error.code).toBe(status.OUT_OF_RANGE);
      expect(error.details).toBe(
        `messages ${afterId + 1}…20 of room kept were removed by retention (--retain-messages 10); the oldest kept is #21: read after id 20 (or 0 for every message kept)`,
      );
      expect(oldestIdOf(error)).toEqual(["21"]);
    },
  );

  it("a join replaying after a removed id ends with OUT_OF_RANGE; replay after 0 gets what is kept", async () => {
    const late = openSession(chat.client, { room: "kept", author: "bob", replayAfterId: 7n });
    const error = await late.closed;
    expect(error?.code).toBe(status.OUT_OF_RANGE);
    expect(error === null ? [] : oldestIdOf(error)).toEqual(["21"]);
    expect(late.messages()).toEqual([]);

    const fresh = openSession(chat.client, { room: "kept", author: "bob", replayAfterId: 0n });
    fresh.post("hello", "b1");
    await fresh.waitFor(ackOf("b1"));
    expect(ids(fresh.messages())).toEqual(range(21, 30));
    await fresh.end();
  });
});

it("with retention off, GetStats's last id is the count", async () => {
  const plain = await startChat();
  try {
    const ada = openSession(plain.client, { room: "r", author: "ada" });
    ada.post("one", "p1");
    await ada.waitFor(ackOf("p1"));
    await ada.end();
    expect(plain.retention).toBeUndefined();
    expect(await getStats(plain.client, "r")).toMatchObject({ messageCount: 1n, lastId: 1n });
  } finally {
    await plain.stop();
  }
});

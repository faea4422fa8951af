import { INVALID_UTF8, rawStream, rawUnary, wire } from "@fibchat/server-kit/testing";
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import {
  ackOf,
  type ChatFixture,
  getStats,
  openSession,
  readMessages,
  startChat,
  waitUntil,
} from "../test-support/chat-fixture.js";

const SESSION = "/chat.v1.ChatService/SendAndReceiveMessage";
const join = (room: string | readonly number[], author: string | readonly number[]) =>
  wire.len(1, [...wire.len(1, room), ...wire.len(2, author)]);
const post = (text: string | readonly number[], clientMessageId: string | readonly number[]) =>
  wire.len(2, [...wire.len(1, text), ...wire.len(2, clientMessageId)]);

interface Case {
  readonly field: string;
  /** Sends `bad` in the field; resolves with how the call ended. */
  send(address: string, bad: readonly number[]): ReturnType<typeof rawUnary>;
}

// Issue 12: invalid UTF-8 refused on every service and never stored.
const cases: readonly Case[] = [
  {
    field: "chat.v1.JoinRoom.room",
    send: (address, bad) => rawStream(address, SESSION, [join(bad, "ann")]),
  },
  {
    field: "chat.v1.JoinRoom.author",
    send: (address, bad) => rawStream(address, SESSION, [join("general", bad)]),
  },
  {
    field: "chat.v1.PostMessage.text",
    send: (address, bad) =>
      rawStream(address, SESSION, [join("general", "ann"), post(bad, "c1"), post("after", "c2")]),
  },
  {
    field: "chat.v1.PostMessage.client_message_id",
    send: (address, bad) => rawStream(address, SESSION, [join("general", "ann"), post("hi", bad)]),
  },
  {
    field: "chat.v1.GetStatsRequest.room",
    send: (address, bad) => rawUnary(address, "/chat.v1.ChatService/GetStats", wire.len(1, bad)),
  },
  {
    field: "chat.v1.GetMessagesRequest.room",
    send: (address, bad) =>
      rawStream(address, "/chat.v1.ChatService/GetMessages", [wire.len(1, bad)]),
  },
  {
    field: "grpc.health.v1.HealthCheckRequest.service",
    send: (address, bad) => rawUnary(address, "/grpc.health.v1.Health/Check", wire.len(1, bad)),
  },
];

describe("a request holding invalid UTF-8", () => {
  let chat: ChatFixture | undefined;
  afterEach(async () => {
    await chat?.stop();
    chat = undefined;
  });

  for (const { field, send } of cases) {
    it(`in ${field} fails with INVALID_ARGUMENT naming it, stores nothing, and the server keeps serving`, async () => {
      chat = await startChat();
      const { client, address } = chat;
      for (const { name, bytes } of INVALID_UTF8) {
        const { error } = await send(address, bytes);
        expect(error?.code, name).toBe(status.INVALID_ARGUMENT);
        expect(error?.details, name).toBe(
          `request field ${field} is not valid UTF-8 (proto3 strings must be UTF-8); send the text UTF-8 encoded`,
        );
      }
      expect(await readMessages(client, { room: "general" })).toEqual([]);
      await waitUntil(async () => (await getStats(client)).connectedClients === 0);
      expect(await getStats(client)).toMatchObject({ messageCount: 0n, roomCount: 0 });

      const session = openSession(client, { room: "general", author: "ann" });
      session.post("héllo 👋 世界", "ok-1");
      await session.waitFor(ackOf("ok-1"));
      expect(await session.end()).toBeNull();
      const stored = await readMessages(client, { room: "general" });
      expect(stored.map((message) => message.text)).toEqual(["héllo 👋 世界"]);
    });
  }

  it("ends the session at the bad post: nothing from it or after it is stored", async () => {
    chat = await startChat();
    const { error, responses } = await rawStream(chat.address, SESSION, [
      join("general", "ann"),
      post("before", "c1"),
      post([0xff], "c2"),
      post("after", "c3"),
    ]);
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(responses.length).toBeLessThanOrEqual(1);
    // "before" may or may not be stored: the refusal cancels the session while it is in flight.
    const stored = await readMessages(chat.client, { room: "general" });
    expect(stored.filter((message) => message.text !== "before")).toEqual([]);
  });
});

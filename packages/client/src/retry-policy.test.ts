import {
  type ChatServiceServer,
  ChatServiceService,
  GetStatsResponse,
} from "@fibchat/contracts/chat/v1";
import { Server, ServerCredentials, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { createChatClient } from "./chat/chat-client.js";
import { retryableMethods } from "./retry-policy.js";

describe("retryableMethods", () => {
  it("are the rpcs the protos mark NO_SIDE_EFFECTS: every read, no session", () => {
    expect(retryableMethods()).toEqual([
      { service: "chat.v1.ChatService", method: "GetStats" },
      { service: "chat.v1.ChatService", method: "GetMessages" },
      { service: "chat.v1.ChatService", method: "ListRooms" },
      { service: "chat.v1.ChatService", method: "ListMembers" },
      { service: "fibonacci.v1.FibonacciService", method: "GetSequence" },
      { service: "fibonacci.v1.FibonacciService", method: "StreamSequence" },
    ]);
  });
});

/** A chat server whose first `failures` calls of each rpc end with UNAVAILABLE. */
async function flakyChatServer(failures: number) {
  const calls = { getStats: 0, sendAndReceiveMessage: 0 };
  const implementation: ChatServiceServer = {
    getStats(_call, callback) {
      calls.getStats++;
      if (calls.getStats <= failures) callback({ code: status.UNAVAILABLE, details: "flaky" });
      else callback(null, GetStatsResponse.fromPartial({ messageCount: 7n }));
    },
    getMessages: (call) => call.end(),
    listRooms: (_call, callback) => callback(null, { rooms: [], nextPageToken: "" }),
    listMembers: (_call, callback) => callback(null, { members: [] }),
    sendAndReceiveMessage(call) {
      calls.sendAndReceiveMessage++;
      call.emit("error", { code: status.UNAVAILABLE, details: "flaky" });
    },
  };
  const server = new Server();
  server.addService(ChatServiceService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, calls, stop: () => server.forceShutdown() };
}

describe("retry options", () => {
  it.each([{ maxAttempts: 1 }, { maxAttempts: 6 }, { initialBackoffMs: 0.5 }, { maxBackoffMs: 0 }])(
    "refuses %j with a RangeError naming it",
    (retries) => {
      expect(() => createChatClient("127.0.0.1:1", { retries })).toThrow(RangeError);
    },
  );
});

describe("retries through the service config", () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  it("retry a side-effect-free rpc on UNAVAILABLE until it answers", async () => {
    const server = await flakyChatServer(2);
    stops.push(server.stop);
    const client = createChatClient(server.address);
    stops.push(() => client.close());
    expect(await client.stats()).toMatchObject({ messageCount: 7n });
    expect(server.calls.getStats).toBe(3);
  });

  it("give up after maxAttempts with the last UNAVAILABLE", async () => {
    const server = await flakyChatServer(10);
    stops.push(server.stop);
    const client = createChatClient(server.address, { retries: { maxAttempts: 2 } });
    stops.push(() => client.close());
    await expect(client.stats()).rejects.toMatchObject({ code: "UNAVAILABLE", details: "flaky" });
    expect(server.calls.getStats).toBe(2);
  });

  it("never retry a chat session, whose posts store messages", async () => {
    const server = await flakyChatServer(10);
    stops.push(server.stop);
    const client = createChatClient(server.address);
    stops.push(() => client.close());
    const session = client.join({ author: "ada" }, { reconnect: false });
    await expect(session.post("hello")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(server.calls.sendAndReceiveMessage).toBe(1);
  });

  it("are off with retries: false", async () => {
    const server = await flakyChatServer(1);
    stops.push(server.stop);
    const client = createChatClient(server.address, { retries: false });
    stops.push(() => client.close());
    await expect(client.stats()).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(server.calls.getStats).toBe(1);
  });
});

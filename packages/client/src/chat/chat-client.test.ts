import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { freePort } from "@fibchat/server-kit/testing";
import { describe, expect, it } from "vitest";
import type { ReconnectEvent } from "../call/resume-policy.js";
import { MessagesRemovedError } from "../fibchat-error.js";
import { postAll } from "../test-support/chat-process.js";
import { useChatWorld } from "../test-support/chat-world.js";
import type { ChatClient } from "./chat-client.js";

const world = useChatWorld();

const texts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

describe("createChatClient against the real server", () => {
  it("stats counts a room's messages, and the whole server's", async () => {
    const server = await world.start();
    await postAll(server.address, "a", "ada", texts("a", 3));
    await postAll(server.address, "b", "bob", texts("b", 2));
    const client = world.client(server.address);
    expect(await client.stats({ room: "a" })).toMatchObject({ messageCount: 3n, roomCount: 1 });
    expect(await client.stats()).toMatchObject({ messageCount: 5n, roomCount: 2 });
  });

  it("messages reads stored messages oldest first, honouring afterId and limit", async () => {
    const server = await world.start();
    await postAll(server.address, "r", "ada", texts("m", 10));
    const client = world.client(server.address);
    const read = async (request: Parameters<ChatClient["messages"]>[0]) => {
      const all: ChatMessage[] = [];
      for await (const message of client.messages(request)) all.push(message);
      return all.map((m) => m.text);
    };
    expect(await read({ room: "r" })).toEqual(texts("m", 10));
    expect(await read({ room: "r", afterId: 7n })).toEqual(["m 8", "m 9", "m 10"]);
    expect(await read({ room: "r", afterId: 2n, limit: 2 })).toEqual(["m 3", "m 4"]);
  });

  it("rejects a malformed room with INVALID_ARGUMENT and the server's reason", async () => {
    const client = world.client((await world.start()).address);
    const reading = client.messages({ room: "Not A Room" })[Symbol.asyncIterator]().next();
    await expect(reading).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: expect.stringMatching(/room/),
    });
  });

  it("follow resumes across a kill -9 and restart: every message once, in order", async () => {
    const port = await freePort();
    const store = ["--store", `sqlite:${world.storePath("restarted.sqlite")}`];
    let server = await world.start(port, store);
    const target = `127.0.0.1:${port}`;
    await postAll(target, "r", "ada", texts("before", 5));

    const client = world.client(target);
    const reconnects: ReconnectEvent[] = [];
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const message of client.messages(
        { room: "r", follow: true },
        { signal: abort.signal, onReconnect: (event) => reconnects.push(event) },
      )) {
        seen.push(message.text);
        if (seen.length === 5) {
          server = await world.restart(server, port, store);
          await postAll(target, "r", "bob", texts("after", 5));
        }
        if (seen.length === 10) abort.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ code: "CANCELLED" });
    expect(seen).toEqual([...texts("before", 5), ...texts("after", 5)]);
    expect(reconnects.length).toBeGreaterThan(0);
    expect(reconnects[0]?.error.code).toBe("UNAVAILABLE");
  });

  it("follow resumes after a slow-consumer cut-off with nothing skipped or repeated", async () => {
    // `--post-rate 0`: the burst of 300 below is far past the default rate limit, and this test
    // is about the slow-consumer cut-off, not limits.
    const server = await world.start(0, ["--max-queue", "5", "--post-rate", "0"]);
    const client = world.client(server.address);
    const reconnects: ReconnectEvent[] = [];
    const abort = new AbortController();
    const iterator = client
      .messages(
        { room: "slow", follow: true },
        { signal: abort.signal, onReconnect: (event) => reconnects.push(event) },
      )
      [Symbol.asyncIterator]();
    // The follow call is open once the first message arrives; then 300 of 4 kB while this
    // reader takes none: far past what HTTP/2's window, the client's read-ahead and the
    // server's queue of 5 hold together, so the server cuts the reader off.
    await postAll(server.address, "slow", "ada", ["first"]);
    const first = await iterator.next();
    const burst = texts("burst", 300).map((text) => text.padEnd(4_000, "."));
    await postAll(server.address, "slow", "ada", burst, 4);
    const seen = [first.value?.text];
    while (seen.length < 301) seen.push((await iterator.next()).value?.text);
    abort.abort();
    await iterator.return(undefined);
    expect(seen).toEqual(["first", ...burst]);
    expect(reconnects.map((event) => event.error.code)).toContain("RESOURCE_EXHAUSTED");
  });

  it("names the address of a chat server that is not running, without retrying", async () => {
    const target = `127.0.0.1:${await freePort()}`;
    const client = world.client(target);
    const reconnects: ReconnectEvent[] = [];
    const reading = client
      .messages({ follow: true }, { onReconnect: (event) => reconnects.push(event) })
      [Symbol.asyncIterator]()
      .next();
    await expect(reading).rejects.toMatchObject({
      code: "UNAVAILABLE",
      details: `server not reachable at ${target} (connection refused)`,
    });
    expect(reconnects).toEqual([]);
  });
});

describe("createChatClient against a server with retention", () => {
  async function trimmedRoom() {
    const server = await world.start(0, ["--retain-messages", "5", "--retention-interval", "10ms"]);
    await postAll(server.address, "r", "ada", texts("m", 20));
    const client = world.client(server.address);
    // The server trims every 10 ms in the background: wait for the pass that removed 1…15.
    for (;;) {
      const stats = await client.stats({ room: "r" });
      if (stats.messageCount === 5n) {
        expect(stats.lastId).toBe(20n);
        return { server, client };
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("messages after a removed id throws MessagesRemovedError with the oldest kept id", async () => {
    const { client } = await trimmedRoom();
    const reading = client.messages({ room: "r", afterId: 3n })[Symbol.asyncIterator]().next();
    await expect(reading).rejects.toBeInstanceOf(MessagesRemovedError);
    await expect(reading).rejects.toMatchObject({
      code: "OUT_OF_RANGE",
      oldestId: 16n,
      details: expect.stringMatching(/^messages 4…15 of room r were removed by retention/),
    });
    const kept: bigint[] = [];
    for await (const message of client.messages({ room: "r" })) kept.push(message.id);
    expect(kept).toEqual([16n, 17n, 18n, 19n, 20n]);
  });

  it("a session replaying after a removed id ends with MessagesRemovedError", async () => {
    const { client } = await trimmedRoom();
    const session = client.join({ room: "r", author: "bob", replayAfterId: 3n });
    await expect(session.closed).rejects.toMatchObject({
      name: "MessagesRemovedError",
      oldestId: 16n,
    });
  });

  it("a session joining live rejoins from the room's last id, not its count", async () => {
    const { server, client } = await trimmedRoom();
    const session = client.join({ room: "r", author: "bob" });
    await session.joined;
    await postAll(server.address, "r", "ada", ["after"]);
    const next = await session.messages[Symbol.asyncIterator]().next();
    expect(next.value).toMatchObject({ id: 21n, text: "after" });
    await session.close();
  });
});

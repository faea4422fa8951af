import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { freePort } from "@fibchat/server-kit/testing";
import { describe, expect, it } from "vitest";
import type { ReconnectEvent } from "../call/resume-policy.js";
import { PostRejectedError } from "../fibchat-error.js";
import { useChatWorld } from "../test-support/chat-world.js";
import type { ChatSession, PostResult } from "./chat-session.js";

const world = useChatWorld();

/** Reads `count` messages of `session`, then stops. */
async function take(session: ChatSession, count: number): Promise<ChatMessage[]> {
  const taken: ChatMessage[] = [];
  if (count === 0) return taken;
  for await (const message of session.messages) {
    taken.push(message);
    if (taken.length === count) break;
  }
  return taken;
}

describe("ChatClient.join", () => {
  it("acknowledges posts with the stored message; a repeated id is a duplicate", async () => {
    const client = world.client((await world.start()).address);
    const session = client.join({ room: "r", author: "ada" });
    const first = await session.post("hello", { clientMessageId: "c-1" });
    expect(first).toMatchObject({ duplicate: false, message: { id: 1n, text: "hello" } });
    const again = await session.post("hello again", { clientMessageId: "c-1" });
    expect(again).toEqual({ duplicate: true, message: first.message });
    const generated = await session.post("no id given");
    expect(generated.message.id).toBe(2n);
    await session.close();
  });

  it("rejects a refused post with INVALID_ARGUMENT and the reason; the session goes on", async () => {
    const client = world.client((await world.start()).address);
    const session = client.join({ room: "r", author: "ada" });
    const refused = session.post("", { clientMessageId: "empty" });
    await expect(refused).rejects.toBeInstanceOf(PostRejectedError);
    await expect(refused).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      reason: expect.stringMatching(/text/),
      clientMessageId: "empty",
    });
    expect((await session.post("fine")).message.text).toBe("fine");
    await session.close();
    await expect(session.post("late")).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("delivers others' messages in id order, never the session's own", async () => {
    const client = world.client((await world.start()).address);
    const ada = client.join({ room: "r", author: "ada" });
    await ada.post("ada is here");
    // Bob joins after that post was stored, and live only: he sees what comes after his join.
    const bob = client.join({ room: "r", author: "bob" });
    await bob.post("bob is here");
    const bobReads = take(bob, 3);
    const adaReads = take(ada, 2);
    for (const text of ["one", "two", "three"]) await ada.post(text);
    await bob.post("hi ada");
    expect((await bobReads).map((m) => m.text)).toEqual(["one", "two", "three"]);
    expect((await adaReads).map((m) => m.text)).toEqual(["bob is here", "hi ada"]);
    await Promise.all([ada.close(), bob.close()]);
  });

  it("replayAfterId replays stored messages before the live ones", async () => {
    const client = world.client((await world.start()).address);
    const ada = client.join({ room: "r", author: "ada" });
    for (const text of ["a", "b", "c"]) await ada.post(text);
    const bob = client.join({ room: "r", author: "bob", replayAfterId: 1n });
    const reads = take(bob, 3);
    await ada.post("d");
    expect((await reads).map((m) => m.text)).toEqual(["b", "c", "d"]);
    await Promise.all([ada.close(), bob.close()]);
  });

  it("aborting the signal cancels: unanswered posts and closed reject with CANCELLED", async () => {
    const client = world.client((await world.start()).address);
    const abort = new AbortController();
    const session = client.join({ room: "r", author: "ada" }, { signal: abort.signal });
    await session.post("first");
    abort.abort();
    await expect(session.closed).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(session.post("after")).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("500 posts through two kill -9 restarts: each acked once, stored once, seen once in order", async () => {
    const port = await freePort();
    // `--post-rate 0`: 500 pipelined posts from one address are far past the default rate limit,
    // and this test is about restarts, not limits.
    const args = ["--store", `sqlite:${world.storePath("restarts.sqlite")}`, "--post-rate", "0"];
    const target = `127.0.0.1:${port}`;
    let server = await world.start(port, args);
    const restart = async () => {
      server = await world.restart(server, port, args);
    };

    const client = world.client(target);
    const reconnects: ReconnectEvent[] = [];
    const policy = { attempts: 10, firstDelayMs: 50 };
    const onReconnect = (event: ReconnectEvent) => reconnects.push(event);
    const reader = client.join(
      { room: "busy", author: "reader" },
      { reconnect: policy, onReconnect },
    );
    await reader.post("reader joined");
    const seen = take(reader, 500);

    const poster = client.join(
      { room: "busy", author: "poster" },
      { reconnect: policy, onReconnect, receiveMessages: false },
    );
    const results: Promise<PostResult>[] = [];
    let acked = 0;
    for (let i = 1; i <= 500; i++) {
      await poster.writable();
      const result = poster.post(`post ${i}`, { clientMessageId: `p-${i}` });
      results.push(result);
      void result.then(() => acked++);
      if (i === 150) await restart();
      if (i === 350) {
        // The second kill hits sessions that are back and storing again.
        await expect.poll(() => acked, { timeout: 60_000 }).toBeGreaterThan(300);
        await restart();
      }
    }
    const answers = await Promise.all(results);
    await poster.close();
    expect(acked).toBe(500);

    const texts = Array.from({ length: 500 }, (_, i) => `post ${i + 1}`);
    expect(answers.map((a) => a.message.text)).toEqual(texts);
    expect(answers.filter((a) => a.duplicate)).toEqual([]);
    expect(new Set(answers.map((a) => a.message.id)).size).toBe(500);

    const stored: string[] = [];
    for await (const message of client.messages({ room: "busy" })) {
      if (message.author === "poster") stored.push(message.text);
    }
    expect(stored).toEqual(texts);
    expect((await seen).map((m) => m.text)).toEqual(texts);
    // Each kill broke both sessions' live connections (refusals while the server was down aside).
    const broken = reconnects.filter((e) => !e.error.details.includes("connection refused"));
    expect(broken.length).toBeGreaterThanOrEqual(4);
    await reader.close();
  }, 120_000);
});

describe("ChatClient.join, edge cases", () => {
  const world = useChatWorld();

  it("a live join rejoins from the room's last id: a message posted during the outage arrives", async () => {
    const port = await freePort();
    const store = ["--store", `sqlite:${world.storePath("outage.sqlite")}`];
    let server = await world.start(port, store);
    const target = `127.0.0.1:${port}`;
    const client = world.client(target);
    const ada = client.join(
      { room: "quiet", author: "ada" },
      { reconnect: { attempts: 10, firstDelayMs: 50 } },
    );
    await expect
      .poll(async () => (await client.stats({ room: "quiet" })).connectedClients, {
        timeout: 10_000,
      })
      .toBe(1);
    // Ada has seen nothing and posted nothing when the server goes away.
    server = await world.restart(server, port, store);
    // Bob posts once the channel has reconnected (it backs off after the refusals).
    await expect
      .poll(
        () =>
          client.stats({ room: "quiet" }).then(
            () => true,
            () => false,
          ),
        { timeout: 20_000 },
      )
      .toBe(true);
    const bob = client.join({ room: "quiet", author: "bob" }, { reconnect: false });
    await bob.post("while ada was away");
    await bob.close();
    const [first] = await take(ada, 1);
    expect(first?.text).toBe("while ada was away");
    await ada.close();
  });

  it("refuses a second post under a clientMessageId still unanswered, and settles both", async () => {
    const client = world.client((await world.start()).address);
    const session = client.join({ room: "r", author: "ada" });
    const first = session.post("one", { clientMessageId: "same" });
    const second = session.post("two", { clientMessageId: "same" });
    await expect(second).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    expect((await first).message.text).toBe("one");
    await session.close();
  });

  it("a signal aborted before the join cancels the session at once", async () => {
    const client = world.client((await world.start()).address);
    const session = client.join({ author: "ada" }, { signal: AbortSignal.abort() });
    await expect(session.closed).rejects.toMatchObject({ code: "CANCELLED" });
  });
});

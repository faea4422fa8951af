import { describe, expect, it } from "vitest";
import { PostRejectedError } from "../fibchat-error.js";
import { useChatWorld } from "../test-support/chat-world.js";

const world = useChatWorld();
// Fast enough that the test waits little for refills, slow enough that 12 pipelined posts
// cannot all pass: at most 2 at once, then one every 50 ms.
const LIMITED = ["--post-rate", "20", "--post-burst", "2"];

describe("ChatSession on a server that limits its post rate", () => {
  it("stores every post, paced by the server's retry hints, and never stores one twice", async () => {
    const server = await world.start(0, LIMITED);
    const client = world.client(server.address);
    const session = client.join({ room: "paced", author: "ada" });
    const texts = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const results = await Promise.all(texts.map((text) => session.post(text)));
    expect(results.every((result) => !result.duplicate)).toBe(true);
    await session.writable();
    await session.close();
    const stored: string[] = [];
    for await (const message of client.messages({ room: "paced" })) stored.push(message.text);
    expect(stored.toSorted()).toEqual(texts.toSorted());
  });

  it("with retryRateLimited: false, rejects with RESOURCE_EXHAUSTED and the hint", async () => {
    // One post a second: six pipelined posts cannot all be taken, however slow the machine.
    const server = await world.start(0, ["--post-rate", "1", "--post-burst", "2"]);
    const session = world
      .client(server.address)
      .join({ room: "unpaced", author: "bob" }, { retryRateLimited: false });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => session.post(`burst ${i}`)),
    );
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === "rejected" ? [outcome.reason] : [],
    );
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      if (!(error instanceof PostRejectedError)) throw error;
      expect(error).toMatchObject({
        code: "RESOURCE_EXHAUSTED",
        reason: expect.stringMatching(/^rate limited: at most 1 post per second \(burst 2\)/),
      });
      expect(error.retryAfterMs).toBeGreaterThan(0);
    }
    await session.close();
  });
});

import { describe, expect, it } from "vitest";
import type { AppendResult, StoredMessage } from "../store/message-store.js";
import { createOwnPosts } from "./own-posts.js";

function message(id: bigint, author = "ada", clientMessageId = ""): StoredMessage {
  return { room: "r", id, author, text: "hi", sentAt: new Date(0), clientMessageId };
}

/** An append the test settles by hand, to order it against the feed precisely. */
function pendingAppend() {
  let settle: (result: AppendResult) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const promise = new Promise<AppendResult>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  return { promise, settle, fail };
}

describe("createOwnPosts", () => {
  it("recognises a message its tracked post stored, once", async () => {
    const own = createOwnPosts("ada");
    await own.track("", Promise.resolve({ message: message(1n), duplicate: false }));
    expect(await own.isOwn(message(1n))).toBe(true);
    expect(await own.isOwn(message(1n))).toBe(false);
  });

  it("waits for a post still in flight before answering for its author", async () => {
    const own = createOwnPosts("ada");
    const append = pendingAppend();
    own.track("", append.promise);
    let answer: boolean | undefined;
    const isOwn = own.isOwn(message(7n));
    expect(isOwn).toBeInstanceOf(Promise);
    const answered = Promise.resolve(isOwn).then((isOwn) => {
      answer = isOwn;
    });
    await Promise.resolve();
    expect(answer).toBeUndefined();
    append.settle({ message: message(7n), duplicate: false });
    await answered;
    expect(answer).toBe(true);
  });

  it("answers at once for another author, even with a post in flight", () => {
    const own = createOwnPosts("ada");
    own.track("", pendingAppend().promise);
    expect(own.isOwn(message(1n, "grace"))).toBe(false);
  });

  it("answers at once for a post whose append has resolved, even with another in flight", async () => {
    const own = createOwnPosts("ada");
    await own.track("", Promise.resolve({ message: message(3n), duplicate: false }));
    own.track("", pendingAppend().promise);
    expect(own.isOwn(message(3n))).toBe(true);
  });

  it.each([
    {
      name: "another session of the same author",
      result: { message: message(1n), duplicate: false },
    },
    { name: "a duplicate's original", result: { message: message(2n), duplicate: true } },
  ])("does not claim $name", async ({ result }) => {
    const own = createOwnPosts("ada");
    await own.track("", Promise.resolve(result));
    expect(await own.isOwn(message(2n))).toBe(false);
  });

  it("passes a failed post's rejection to the caller and claims nothing", async () => {
    const own = createOwnPosts("ada");
    const append = pendingAppend();
    const tracked = own.track("", append.promise);
    const isOwn = own.isOwn(message(1n));
    append.fail(new Error("disk full"));
    await expect(tracked).rejects.toThrow("disk full");
    expect(await isOwn).toBe(false);
  });

  describe("a message with a client_message_id", () => {
    it("waits only for the posts in flight with that id", async () => {
      const own = createOwnPosts("ada");
      const mine = pendingAppend();
      own.track("c1", mine.promise);
      own.track("c2", pendingAppend().promise);
      const isOwn = own.isOwn(message(5n, "ada", "c1"));
      expect(isOwn).toBeInstanceOf(Promise);
      mine.settle({ message: message(5n, "ada", "c1"), duplicate: false });
      expect(await isOwn).toBe(true);
      expect(own.isOwn(message(5n, "ada", "c1"))).toBe(false);
    });

    it("answers at once when no post with that id is in flight, even with others in flight", () => {
      const own = createOwnPosts("ada");
      own.track("c2", pendingAppend().promise);
      own.track("", pendingAppend().promise);
      expect(own.isOwn(message(5n, "ada", "c1"))).toBe(false);
    });

    it("does not claim the message another session stored first, which its post duplicated", async () => {
      const own = createOwnPosts("ada");
      const mine = pendingAppend();
      own.track("c1", mine.promise);
      const theirs = message(9n, "ada", "c1");
      const isOwn = own.isOwn(theirs);
      mine.settle({ message: theirs, duplicate: true });
      expect(await isOwn).toBe(false);
    });
  });
});

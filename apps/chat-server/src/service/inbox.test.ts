import { describe, expect, it } from "vitest";
import { createInbox } from "./inbox.js";

describe("createInbox", () => {
  it("hands events over in arrival order, to a waiting taker or a later one", async () => {
    const inbox = createInbox<number>();
    const waiting = inbox.take();
    inbox.push(1);
    inbox.push(2);
    inbox.push(3);
    expect(await waiting).toBe(1);
    expect(await inbox.take()).toBe(2);
    expect(await inbox.take()).toBe(3);
  });

  it("rejects the waiting take and every later one with the first failure", async () => {
    const inbox = createInbox<number>();
    const waiting = inbox.take();
    inbox.fail(new Error("first"));
    inbox.fail(new Error("second"));
    await expect(waiting).rejects.toThrow("first");
    await expect(inbox.take()).rejects.toThrow("first");
  });
});

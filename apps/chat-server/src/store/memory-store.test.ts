import { expect, it } from "vitest";
import { describeMessageStoreContract } from "../test-support/message-store-contract.js";
import { describeRetentionContract } from "../test-support/retention-contract.js";
import { createMemoryStore } from "./memory-store.js";

describeMessageStoreContract("createMemoryStore", {
  createStorage: () => createMemoryStore,
  persistent: false,
});

describeRetentionContract("createMemoryStore", {
  createStorage: () => createMemoryStore,
  persistent: false,
});

it("by age removes exactly the messages older than the age, by the injected clock", async () => {
  let clock = Date.parse("2025-01-01T00:00:00Z");
  const store = createMemoryStore({ now: () => new Date(clock) });
  for (const minute of [0, 10, 20, 30]) {
    clock = Date.parse("2025-01-01T00:00:00Z") + minute * 60_000;
    await store.append({ room: "r", author: "ada", text: `${minute}`, clientMessageId: "" });
  }
  const policy = { maxAgeMs: 15 * 60_000 };
  // At 00:35 the cut is 00:20: the messages of 00:00 and 00:10 go, 00:20 stays.
  expect(await store.trimRoom("r", policy, new Date(Date.parse("2025-01-01T00:35:00Z")), 500)).toBe(
    2,
  );
  expect((await store.readAfter("r", 0n, 10)).map(({ text }) => text)).toEqual(["20", "30"]);
});

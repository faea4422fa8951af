import { describe, expect, it } from "vitest";
import { createSharedResponses } from "./shared-responses.js";

interface Reply {
  readonly text: string;
}

function countingEncoder() {
  let calls = 0;
  return {
    encode: (reply: Reply) => {
      calls++;
      return Buffer.from(reply.text);
    },
    calls: () => calls,
  };
}

describe("createSharedResponses", () => {
  it("encodes a shared response once and returns the same bytes to every call", () => {
    const encoder = countingEncoder();
    const shared = createSharedResponses(encoder.encode);
    const reply = shared.share({ text: "hello" });
    const first = shared.serialize(reply);
    const second = shared.serialize(reply);
    expect(first.toString()).toBe("hello");
    expect(second).toBe(first);
    expect(encoder.calls()).toBe(1);
  });

  it("encodes a response that was not shared on every call, keeping nothing", () => {
    const encoder = countingEncoder();
    const shared = createSharedResponses(encoder.encode);
    const reply = { text: "ack" };
    expect(shared.serialize(reply).toString()).toBe("ack");
    expect(shared.serialize(reply).toString()).toBe("ack");
    expect(encoder.calls()).toBe(2);
  });

  it("keeps the bytes of an already encoded response when it is shared again", () => {
    const encoder = countingEncoder();
    const shared = createSharedResponses(encoder.encode);
    const reply = shared.share({ text: "once" });
    const bytes = shared.serialize(reply);
    expect(shared.serialize(shared.share(reply))).toBe(bytes);
    expect(encoder.calls()).toBe(1);
  });
});

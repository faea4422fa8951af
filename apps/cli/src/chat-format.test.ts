import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { describe, expect, it } from "vitest";
import { formatLocalTime, formatMessage, messageRecord } from "./chat-format.js";
import { createStyle } from "./style.js";

const sentAt = new Date(2025, 0, 31, 9, 5, 7);
const message: ChatMessage = { room: "general", id: 12n, author: "alice", text: "hi", sentAt };
const plain = createStyle(false);

describe("formatMessage", () => {
  it("shows id, local date and time, author and text for reading history", () => {
    expect(formatMessage(message, plain, { clock: "date-time" })).toBe(
      "#12 2025-01-31 09:05:07 alice: hi",
    );
  });

  it("shows only the time on the live chat screen", () => {
    expect(formatMessage(message, plain, { clock: "time" })).toBe("09:05:07 alice: hi");
  });

  it("colours your own name differently from other people's", () => {
    const style = createStyle(true);
    const mine = formatMessage(message, style, { clock: "time", self: "alice" });
    const theirs = formatMessage(message, style, { clock: "time", self: "bob" });
    expect(mine).not.toBe(theirs);
  });
});

describe("messageRecord", () => {
  it("writes the id as a string and the time in ISO 8601", () => {
    expect(messageRecord(message)).toEqual({
      room: "general",
      id: "12",
      author: "alice",
      text: "hi",
      sentAt: sentAt.toISOString(),
    });
    expect(messageRecord({ ...message, sentAt: undefined }).sentAt).toBeNull();
  });
});

describe("formatLocalTime", () => {
  it("pads every field", () => {
    expect(formatLocalTime(new Date(2025, 2, 4, 1, 2, 3), "date-time")).toBe("2025-03-04 01:02:03");
  });
});

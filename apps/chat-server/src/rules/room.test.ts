import { describe, expect, it } from "vitest";
import { DEFAULT_ROOM, parseRoom } from "./room.js";

describe("parseRoom", () => {
  it.each([
    { room: "", value: DEFAULT_ROOM },
    { room: "general", value: "general" },
    { room: "a", value: "a" },
    { room: "7", value: "7" },
    { room: "ops_2-east", value: "ops_2-east" },
    { room: "a".repeat(64), value: "a".repeat(64) },
  ])("accepts $room.length-character room $room", ({ room, value }) => {
    expect(parseRoom(room)).toEqual({ ok: true, value });
  });

  const fix = 'use 1-64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit';
  it.each([
    { room: "Foo", reason: `room "Foo" is invalid: ${fix}` },
    { room: "_ops", reason: `room "_ops" is invalid: ${fix}` },
    { room: "-ops", reason: `room "-ops" is invalid: ${fix}` },
    { room: "two words", reason: `room "two words" is invalid: ${fix}` },
    { room: "café", reason: `room "café" is invalid: ${fix}` },
    { room: "ops\n", reason: `room "ops\\n" is invalid: ${fix}` },
    { room: "a".repeat(65), reason: `room "${"a".repeat(64)}"… is invalid: ${fix}` },
  ])("rejects $room", ({ room, reason }) => {
    expect(parseRoom(room)).toEqual({ ok: false, reason });
  });
});

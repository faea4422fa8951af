import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_TEXT_BYTES, parseText } from "./text.js";

describe("parseText", () => {
  it.each([
    { name: "one character", text: "a" },
    { name: "newlines and tabs", text: "line 1\n\tline 2\n" },
    { name: "exactly 4096 ASCII bytes", text: "x".repeat(DEFAULT_MAX_TEXT_BYTES) },
    { name: "exactly 4096 bytes of 4-byte characters", text: "😀".repeat(1024) },
    { name: "exactly 4095 bytes of 3-byte characters", text: "€".repeat(1365) },
  ])("accepts $name", ({ text }) => {
    expect(parseText(text)).toEqual({ ok: true, value: text });
  });

  it.each([
    { name: "empty", text: "", reason: "text is empty: send 1-4096 bytes of UTF-8" },
    {
      name: "4097 ASCII bytes",
      text: "x".repeat(4097),
      reason: "text is 4097 bytes of UTF-8: send 1-4096 bytes of UTF-8, or split it",
    },
    {
      name: "1366 three-byte characters (4098 bytes)",
      text: "€".repeat(1366),
      reason: "text is 4098 bytes of UTF-8: send 1-4096 bytes of UTF-8, or split it",
    },
    {
      name: "a carriage return",
      text: "hello\r\n",
      reason:
        "text contains control character U+000D at character 6: remove it; only newline and tab are allowed",
    },
    {
      name: "NUL after an astral character",
      text: "😀\u0000",
      reason:
        "text contains control character U+0000 at character 2: remove it; only newline and tab are allowed",
    },
    {
      name: "a lone low surrogate",
      text: "a\udc00",
      reason: "text contains an unpaired surrogate U+DC00 at character 2: send well-formed Unicode",
    },
    {
      name: "a reversed surrogate pair",
      text: "\ude00\ud83d",
      reason: "text contains an unpaired surrogate U+DE00 at character 1: send well-formed Unicode",
    },
  ])("rejects $name", ({ text, reason }) => {
    expect(parseText(text)).toEqual({ ok: false, reason });
  });

  it("applies a configured byte limit", () => {
    expect(parseText("abcd", 4)).toEqual({ ok: true, value: "abcd" });
    expect(parseText("abcde", 4)).toEqual({
      ok: false,
      reason: "text is 5 bytes of UTF-8: send 1-4 bytes of UTF-8, or split it",
    });
  });
});

import { describe, expect, it } from "vitest";
import { MAX_AUTHOR_CHARACTERS, parseAuthor } from "./author.js";

const fix = "use 1-64 characters with no control characters";

describe("parseAuthor", () => {
  it.each([
    { name: "one character", author: "a" },
    { name: "spaces and punctuation", author: "Ada Lovelace (ada@example.com)" },
    { name: "64 ASCII characters", author: "x".repeat(MAX_AUTHOR_CHARACTERS) },
    { name: "64 astral characters (128 UTF-16 units)", author: "😀".repeat(64) },
    { name: "a soft hyphen (format, not control)", author: "ada\u00ad" },
  ])("accepts $name", ({ author }) => {
    expect(parseAuthor(author)).toEqual({ ok: true, value: author });
  });

  it.each([
    { name: "empty", author: "", reason: `author is empty: ${fix}` },
    {
      name: "65 characters",
      author: "x".repeat(65),
      reason: `author is 65 characters long: ${fix}`,
    },
    {
      name: "65 astral characters",
      author: "😀".repeat(65),
      reason: `author is 65 characters long: ${fix}`,
    },
    {
      name: "a newline",
      author: "ada\nlovelace",
      reason: `author contains control character U+000A at character 4: ${fix}`,
    },
    {
      name: "a tab",
      author: "\tada",
      reason: `author contains control character U+0009 at character 1: ${fix}`,
    },
    {
      name: "a C1 control after an astral character",
      author: "😀\u0085",
      reason: `author contains control character U+0085 at character 2: ${fix}`,
    },
    {
      name: "DEL",
      author: "ada\u007f",
      reason: `author contains control character U+007F at character 4: ${fix}`,
    },
    {
      name: "an unpaired surrogate",
      author: "ad\ud800a",
      reason:
        "author contains an unpaired surrogate U+D800 at character 3: send well-formed Unicode",
    },
  ])("rejects $name", ({ author, reason }) => {
    expect(parseAuthor(author)).toEqual({ ok: false, reason });
  });
});

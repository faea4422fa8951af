import { describe, expect, it } from "vitest";
import { MAX_CLIENT_MESSAGE_ID_CHARACTERS, parseClientMessageId } from "./client-message-id.js";

describe("parseClientMessageId", () => {
  it.each([
    { name: "empty (not deduplicated)", id: "" },
    { name: "a UUID", id: "0b6f4c1e-2d0a-4a57-9a4e-54b1f4a3c8de" },
    { name: "128 characters", id: "x".repeat(MAX_CLIENT_MESSAGE_ID_CHARACTERS) },
    { name: "128 astral characters", id: "😀".repeat(128) },
  ])("accepts $name", ({ id }) => {
    expect(parseClientMessageId(id)).toEqual({ ok: true, value: id });
  });

  it.each([
    {
      name: "129 characters",
      id: "x".repeat(129),
      reason:
        "client_message_id is 129 characters long: use at most 128, or leave it empty to skip deduplication",
    },
    {
      name: "an unpaired surrogate",
      id: "id-\ud800",
      reason:
        "client_message_id contains an unpaired surrogate U+D800 at character 4: send well-formed Unicode",
    },
  ])("rejects $name", ({ id, reason }) => {
    expect(parseClientMessageId(id)).toEqual({ ok: false, reason });
  });
});

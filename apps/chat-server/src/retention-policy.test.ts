import { ConfigError, parseCommandLine } from "@fibchat/server-kit";
import { expect, it } from "vitest";
import { chatServerOptions } from "./chat-options.js";
import { describeRetention, retentionPolicyOf } from "./retention-policy.js";

it.each([
  { flags: [], policy: {}, described: "retention off" },
  {
    flags: ["--retain-messages", "1000"],
    policy: { maxMessages: 1000 },
    described: "--retain-messages 1000",
  },
  {
    flags: ["--retain-for", "30d"],
    policy: { maxAgeMs: 2_592_000_000 },
    described: "--retain-for 30d",
  },
  {
    flags: ["--retain-for", "off", "--retain-messages", "0"],
    policy: {},
    described: "retention off",
  },
  {
    flags: ["--retain-messages", "5", "--retain-for", "90m"],
    policy: { maxMessages: 5, maxAgeMs: 5_400_000 },
    described: "--retain-messages 5, --retain-for 90m",
  },
])("$flags: $described", ({ flags, policy, described }) => {
  const parsed = parseCommandLine(chatServerOptions, flags, {});
  if (parsed.kind !== "run") throw new Error(`not a config: ${parsed.kind}`);
  expect(retentionPolicyOf(parsed.config)).toEqual(policy);
  expect(describeRetention(parsed.config)).toBe(described);
});

it("refuses a retention age under a second", () => {
  expect(() => parseCommandLine(chatServerOptions, ["--retain-for", "500ms"], {})).toThrow(
    ConfigError,
  );
});

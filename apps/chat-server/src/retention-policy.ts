import { parsers } from "@fibchat/server-kit";
import type { RetentionPolicy } from "./store/index.js";

/** The retention flags of the chat server; 0 turns each off. */
export interface RetentionFlags {
  /** `--retain-messages`. */
  readonly retainMessages: number;
  /** `--retain-for`, in milliseconds. */
  readonly retainFor: number;
}

/** The policy the flags ask for: empty (keep everything) when both are 0. */
export function retentionPolicyOf({ retainMessages, retainFor }: RetentionFlags): RetentionPolicy {
  return {
    ...(retainMessages > 0 ? { maxMessages: retainMessages } : {}),
    ...(retainFor > 0 ? { maxAgeMs: retainFor } : {}),
  };
}

/** The flags in force as a person would type them, e.g. `--retain-messages 1000, --retain-for 30d`. */
export function describeRetention({ retainMessages, retainFor }: RetentionFlags): string {
  const flags = [
    ...(retainMessages > 0 ? [`--retain-messages ${retainMessages}`] : []),
    ...(retainFor > 0 ? [`--retain-for ${parsers.formatDuration(retainFor)}`] : []),
  ];
  return flags.length === 0 ? "retention off" : flags.join(", ");
}

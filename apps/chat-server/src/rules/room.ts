import { quote } from "./characters.js";
import type { RuleResult } from "./rule-result.js";

/** The room that an empty room name stands for. */
export const DEFAULT_ROOM = "general";

const ROOM_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Checks a room name against `^[a-z0-9][a-z0-9_-]{0,63}$`; the empty string
 * means {@link DEFAULT_ROOM}. Returns the room to use.
 */
export function parseRoom(room: string): RuleResult<string> {
  if (room === "") return { ok: true, value: DEFAULT_ROOM };
  if (ROOM_NAME.test(room)) return { ok: true, value: room };
  return {
    ok: false,
    reason: `room ${quote(room)} is invalid: use 1-64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit`,
  };
}

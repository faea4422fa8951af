import {
  countCodePoints,
  findForbidden,
  formatCodePoint,
  UNPAIRED_SURROGATE,
} from "./characters.js";
import type { RuleResult } from "./rule-result.js";

/** The most characters (Unicode code points) a client_message_id may have. */
export const MAX_CLIENT_MESSAGE_ID_CHARACTERS = 128;

/**
 * Checks a client_message_id: at most {@link MAX_CLIENT_MESSAGE_ID_CHARACTERS}
 * code points, well-formed. Empty is valid and means "not deduplicated".
 * Returns the id unchanged.
 */
export function parseClientMessageId(clientMessageId: string): RuleResult<string> {
  const characters = countCodePoints(clientMessageId);
  if (characters > MAX_CLIENT_MESSAGE_ID_CHARACTERS) {
    return {
      ok: false,
      reason: `client_message_id is ${characters} characters long: use at most ${MAX_CLIENT_MESSAGE_ID_CHARACTERS}, or leave it empty to skip deduplication`,
    };
  }
  const unpaired = findForbidden(clientMessageId, UNPAIRED_SURROGATE);
  if (unpaired !== undefined) {
    return {
      ok: false,
      reason: `client_message_id contains an unpaired surrogate ${formatCodePoint(unpaired.codePoint)} at character ${unpaired.position}: send well-formed Unicode`,
    };
  }
  return { ok: true, value: clientMessageId };
}

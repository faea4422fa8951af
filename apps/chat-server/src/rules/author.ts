import {
  CONTROL_CHARACTER,
  countCodePoints,
  findForbidden,
  formatCodePoint,
  UNPAIRED_SURROGATE,
} from "./characters.js";
import type { RuleResult } from "./rule-result.js";

/** The most characters (Unicode code points) an author name may have. */
export const MAX_AUTHOR_CHARACTERS = 64;

const FIX = `use 1-${MAX_AUTHOR_CHARACTERS} characters with no control characters`;

/**
 * Checks an author name: 1 to {@link MAX_AUTHOR_CHARACTERS} code points, none
 * of them a control character (Unicode category Cc) or an unpaired surrogate.
 * Returns the name unchanged.
 */
export function parseAuthor(author: string): RuleResult<string> {
  if (author === "") return { ok: false, reason: `author is empty: ${FIX}` };
  const characters = countCodePoints(author);
  if (characters > MAX_AUTHOR_CHARACTERS) {
    return { ok: false, reason: `author is ${characters} characters long: ${FIX}` };
  }
  const unpaired = findForbidden(author, UNPAIRED_SURROGATE);
  if (unpaired !== undefined) {
    return {
      ok: false,
      reason: `author contains an unpaired surrogate ${formatCodePoint(unpaired.codePoint)} at character ${unpaired.position}: send well-formed Unicode`,
    };
  }
  const control = findForbidden(author, CONTROL_CHARACTER);
  if (control !== undefined) {
    return {
      ok: false,
      reason: `author contains control character ${formatCodePoint(control.codePoint)} at character ${control.position}: ${FIX}`,
    };
  }
  return { ok: true, value: author };
}

import { findForbidden, formatCodePoint, UNPAIRED_SURROGATE } from "./characters.js";
import type { RuleResult } from "./rule-result.js";

/** The default of the server's --max-text-bytes: the most UTF-8 bytes a message text may have. */
export const DEFAULT_MAX_TEXT_BYTES = 4096;

const CONTROL_EXCEPT_NEWLINE_AND_TAB = /(?![\n\t])\p{Cc}/u;

/**
 * Checks a message text: 1 to `maxTextBytes` bytes of UTF-8, well-formed, and
 * no control character (Unicode category Cc) other than newline and tab.
 * Returns the text unchanged.
 */
export function parseText(
  text: string,
  maxTextBytes: number = DEFAULT_MAX_TEXT_BYTES,
): RuleResult<string> {
  const fix = `send 1-${maxTextBytes} bytes of UTF-8`;
  if (text === "") return { ok: false, reason: `text is empty: ${fix}` };
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxTextBytes) {
    return { ok: false, reason: `text is ${bytes} bytes of UTF-8: ${fix}, or split it` };
  }
  const unpaired = findForbidden(text, UNPAIRED_SURROGATE);
  if (unpaired !== undefined) {
    return {
      ok: false,
      reason: `text contains an unpaired surrogate ${formatCodePoint(unpaired.codePoint)} at character ${unpaired.position}: send well-formed Unicode`,
    };
  }
  const control = findForbidden(text, CONTROL_EXCEPT_NEWLINE_AND_TAB);
  if (control !== undefined) {
    return {
      ok: false,
      reason: `text contains control character ${formatCodePoint(control.codePoint)} at character ${control.position}: remove it; only newline and tab are allowed`,
    };
  }
  return { ok: true, value: text };
}

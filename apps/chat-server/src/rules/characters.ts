/** A character that a rule forbids: its code point and 1-based position, in code points. */
export interface ForbiddenCharacter {
  readonly codePoint: number;
  readonly position: number;
}

const LONGEST_QUOTED_CHARACTERS = 64;

/** Counts Unicode code points, so a character outside the BMP counts once, not twice. */
export function countCodePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Finds the first character of `value` that `pattern` (a non-global, `u`-flagged regex) matches. */
export function findForbidden(value: string, pattern: RegExp): ForbiddenCharacter | undefined {
  const match = pattern.exec(value);
  const codePoint = match?.[0].codePointAt(0);
  if (match === null || codePoint === undefined) return undefined;
  return { codePoint, position: countCodePoints(value.slice(0, match.index)) + 1 };
}

/** Matches a control character (Unicode category Cc). */
export const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Matches an unpaired UTF-16 surrogate. gRPC clients cannot send one (its UTF-8
 * form, e.g. ED A0 80, is not UTF-8, and server-kit's strict decoding refuses it
 * with INVALID_ARGUMENT), but an in-process caller can, and storing it would
 * silently turn it into U+FFFD, so two different client_message_ids could collide.
 */
export const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** Formats a code point the way Unicode charts name it, e.g. `U+0007`. */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Quotes a client-supplied value for an error message: escaped like a JSON
 * string (so control characters stay visible) and cut short, because the
 * message must not echo an arbitrarily long input back to the client.
 */
export function quote(value: string): string {
  const characters = [...value];
  if (characters.length <= LONGEST_QUOTED_CHARACTERS) return JSON.stringify(value);
  return `${JSON.stringify(characters.slice(0, LONGEST_QUOTED_CHARACTERS).join(""))}…`;
}

import { ConfigError } from "../config/option.js";
import { SCOPES, type Scope } from "./principal.js";

function isScope(word: string): word is Scope {
  return (SCOPES as readonly string[]).includes(word);
}

/**
 * The scopes an OAuth-style `scope` claim grants: a space-separated string (RFC 8693 §4.2), or
 * an array of strings as some identity providers issue (`scp`). Words fibchat does not know are
 * ignored: a token may carry scopes for other services. `undefined` when the claim is absent or
 * malformed, so the caller can apply its default.
 */
export function scopesOfClaim(claim: unknown): ReadonlySet<Scope> | undefined {
  const words =
    typeof claim === "string"
      ? claim.split(/\s+/)
      : Array.isArray(claim) && claim.every((word) => typeof word === "string")
        ? claim
        : undefined;
  return words === undefined ? undefined : new Set(words.filter(isScope));
}

/**
 * Parses `--auth-default-scopes`: `all`, `none`, or scope names separated by spaces or commas.
 * Throws {@link ConfigError} naming an unknown scope.
 */
export function parseDefaultScopes(text: string): ReadonlySet<Scope> {
  const trimmed = text.trim();
  if (trimmed === "all") return new Set(SCOPES);
  if (trimmed === "none" || trimmed === "") return new Set();
  const scopes = new Set<Scope>();
  for (const word of trimmed.split(/[\s,]+/)) {
    if (!isScope(word)) {
      throw new ConfigError(
        `unknown scope "${word}" in --auth-default-scopes: use all, none, or any of ${SCOPES.join(", ")}`,
      );
    }
    scopes.add(word);
  }
  return scopes;
}

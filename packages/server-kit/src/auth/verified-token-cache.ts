import type { Principal } from "./principal.js";

/**
 * Tokens already verified, so a client that sends the same token on every call pays for one
 * signature check, not one per call (bench: "auth"). An entry serves until the token's `exp`, and
 * only from its `nbf`; the oldest entry is dropped when the cache is full, so its memory is
 * bounded whatever clients send.
 */
export interface VerifiedTokenCache {
  get(token: string, nowMs: number): Principal | undefined;
  set(token: string, principal: Principal, validFromMs: number, validUntilMs: number): void;
}

interface Entry {
  readonly principal: Principal;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

/** Creates a {@link VerifiedTokenCache} of at most `capacity` tokens. */
export function createVerifiedTokenCache(capacity = 1_000): VerifiedTokenCache {
  const entries = new Map<string, Entry>();
  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (nowMs >= entry.validUntilMs) {
        entries.delete(token);
        return undefined;
      }
      return nowMs >= entry.validFromMs ? entry.principal : undefined;
    },
    set(token, principal, validFromMs, validUntilMs) {
      if (entries.size >= capacity && !entries.has(token)) {
        // Maps iterate in insertion order: the first key is the oldest entry.
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(token, { principal, validFromMs, validUntilMs });
    },
  };
}

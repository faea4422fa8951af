import { createHash, timingSafeEqual } from "node:crypto";
import type { Authentication, Authenticator } from "./authenticator.js";
import { refusal } from "./authenticator.js";
import { bearerToken, BEARER_HINT as HINT } from "./bearer-token.js";
import { ANONYMOUS } from "./principal.js";

const OK: Authentication = { ok: true, principal: ANONYMOUS };

/**
 * One shared bearer token for every caller (`--auth-token`): it keeps strangers out but names
 * no user, so callers stay anonymous.
 */
export function sharedTokenAuthenticator(token: string): Authenticator {
  const expected = digest(token);
  return {
    mode: "token",
    authenticate({ metadata }) {
      const presented = bearerToken(metadata);
      if (presented === undefined)
        return refusal(`missing bearer token: ${HINT}`, "no bearer token");
      if (!timingSafeEqual(digest(presented), expected))
        return refusal(`wrong bearer token: ${HINT}`, "wrong bearer token");
      return OK;
    },
  };
}

// Comparing fixed-size digests keeps the comparison constant-time whatever the token lengths.
function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

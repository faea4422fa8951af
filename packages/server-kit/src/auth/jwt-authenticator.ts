import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import type { Authentication, Authenticator } from "./authenticator.js";
import { refusal } from "./authenticator.js";
import { BEARER_HINT, bearerToken } from "./bearer-token.js";
import type { JwtKey } from "./jwt-key.js";
import type { Principal, Scope } from "./principal.js";
import { scopesOfClaim } from "./scopes.js";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

/** Options of {@link jwtAuthenticator}. */
export interface JwtAuthenticatorOptions {
  readonly key: JwtKey;
  /** When set, the token's `iss` must equal it. */
  readonly issuer?: string | undefined;
  /** When set, the token's `aud` must be or contain it. */
  readonly audience?: string | undefined;
  /** What a token without a `scope` claim may do (`--auth-default-scopes`). */
  readonly defaultScopes: ReadonlySet<Scope>;
  /** Clock skew allowed on `exp` and `nbf`, in seconds. */
  readonly clockToleranceSeconds?: number;
}

/** The clock skew allowed between the token issuer and this server: small, as RFC 7519 §4.1.4 suggests. */
export const JWT_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Identifies users by a signed JWT (RFC 7519) in `authorization: Bearer`: the user is the `sub`
 * claim, their scopes the `scope` claim. Signature, algorithm, `exp` and `nbf` (with
 * {@link JWT_CLOCK_TOLERANCE_SECONDS} of skew), and `iss`/`aud` when configured, are all checked;
 * each refusal says which check failed, never echoing the token.
 */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  const { key, issuer, audience, defaultScopes } = options;
  const clockTolerance = options.clockToleranceSeconds ?? JWT_CLOCK_TOLERANCE_SECONDS;
  const cache = createVerifiedTokenCache();
  const verifyOptions = {
    algorithms: [...key.algorithms],
    clockTolerance,
    // A token that never expires cannot be revoked by time: refuse it (RFC 7519 makes exp optional).
    requiredClaims: ["exp"],
    ...(issuer !== undefined && { issuer }),
    ...(audience !== undefined && { audience }),
  };

  async function verify(token: string): Promise<Authentication> {
    let payload: JWTPayload;
    try {
      // jose's overloads take either a key or a key resolver (a JWKS).
      ({ payload } =
        typeof key.key === "function"
          ? await jwtVerify(token, key.key, verifyOptions)
          : await jwtVerify(token, key.key, verifyOptions));
    } catch (error) {
      return explain(error, token);
    }
    const subject = payload.sub;
    if (typeof subject !== "string" || subject === "")
      return refusal("token has no `sub` claim: fibchat needs it to name the user");
    const claim = payload.scope ?? payload.scp;
    const scopes = claim === undefined ? defaultScopes : scopesOfClaim(claim);
    // A scope claim fibchat cannot read must not fall back to the defaults, which may be all.
    if (scopes === undefined) {
      return refusal(
        "token's `scope` claim is neither a space-separated string nor an array of strings",
        "malformed scope claim",
      );
    }
    const principal: Principal = { kind: "user", subject, scopes, via: "jwt" };
    // jose accepts the token until exp + the tolerance; so does the cache (exp is required).
    const validFrom = payload.nbf === undefined ? 0 : (payload.nbf - clockTolerance) * 1000;
    const validUntil = ((payload.exp ?? 0) + clockTolerance) * 1000;
    if (validUntil > Date.now()) cache.set(token, principal, validFrom, validUntil);
    return { ok: true, principal };
  }

  return {
    mode: "jwt",
    authenticate({ metadata }) {
      const token = bearerToken(metadata);
      if (token === undefined)
        return refusal(
          `missing bearer token: this server identifies users by JWT; ${BEARER_HINT}`,
          "no bearer token",
        );
      const cached = cache.get(token, Date.now());
      return cached === undefined ? verify(token) : { ok: true, principal: cached };
    },
  };

  function explain(error: unknown, token: string): Authentication {
    if (error instanceof errors.JWTExpired) {
      return refusal(
        `token expired at ${isoOf(error.payload.exp)}; get a new token`,
        "token expired",
      );
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      const { claim, payload } = error;
      if (error.reason === "missing")
        return refusal(`token has no \`${claim}\` claim: fibchat requires one`, `no ${claim}`);
      if (claim === "nbf")
        return refusal(
          `token not valid before ${isoOf(payload.nbf)}; wait, or check the issuer's clock`,
          "token not yet valid",
        );
      if (claim === "iss")
        return refusal(
          `token issuer ${JSON.stringify(payload.iss ?? null)} is not ${JSON.stringify(issuer)}, the issuer this server trusts`,
          "wrong issuer",
        );
      if (claim === "aud")
        return refusal(
          `token audience ${JSON.stringify(payload.aud ?? null)} does not include ${JSON.stringify(audience)}; ask for a token for this service`,
          "wrong audience",
        );
      return refusal(`token claim \`${claim}\` is invalid (${error.reason})`, `bad claim ${claim}`);
    }
    const algorithm = headerAlgorithm(token);
    if (algorithm === "none")
      return refusal("unsigned token (`alg: none`) refused: tokens must be signed", "alg none");
    if (error instanceof errors.JOSEAlgNotAllowed)
      return refusal(
        `token signed with ${algorithm ?? "an unknown algorithm"}; this server accepts ${key.algorithms.join(", ")}`,
        "algorithm not allowed",
      );
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWKSNoMatchingKey
    )
      return refusal(
        "token signature does not verify: it was signed with another key, or altered",
        "bad signature",
      );
    return refusal(
      "malformed token: not a signed JWT (header.payload.signature)",
      "malformed token",
    );
  }
}

function headerAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

function isoOf(seconds: number | undefined): string {
  return seconds === undefined ? "an unknown time" : new Date(seconds * 1000).toISOString();
}

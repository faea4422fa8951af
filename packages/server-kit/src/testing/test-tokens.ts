import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";

/** The claims a test token carries; times are seconds relative to now. */
export interface TestClaims {
  readonly sub?: string;
  /** The `scope` claim; anything JSON, to forge malformed ones. */
  readonly scope?: unknown;
  readonly iss?: string;
  readonly aud?: string;
  /** Seconds until `exp` (negative: already expired); default one hour; `null`: no `exp`. */
  readonly expiresIn?: number | null;
  /** Seconds until `nbf`; default: no `nbf`. */
  readonly notBefore?: number;
}

/** Key files a test server can be started with, and functions minting tokens they verify. */
export interface TestTokens {
  /** An HS256 secret (`--auth-jwt-secret-file`). */
  readonly secretFile: string;
  /** A PEM EC P-256 public key (`--auth-jwt-public-key`, ES256). */
  readonly publicKeyFile: string;
  /** A JWKS holding an RSA key with kid `test-rsa` (`--auth-jwt-public-key`, RS256). */
  readonly jwksFile: string;
  /** The secret itself, to forge tokens with. */
  readonly secret: Uint8Array;
  hs256(claims: TestClaims, secret?: Uint8Array): Promise<string>;
  es256(claims: TestClaims): Promise<string>;
  rs256(claims: TestClaims): Promise<string>;
}

/** Generates fresh keys in a temporary folder; every token they mint is real and verifiable. */
export async function createTestTokens(): Promise<TestTokens> {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-jwt-"));
  // As an operator makes one: `openssl rand -base64 48 > jwt-secret` (the newline is dropped).
  const text = randomBytes(48).toString("base64");
  const secret = new TextEncoder().encode(text);
  const secretFile = join(dir, "jwt-secret");
  writeFileSync(secretFile, `${text}\n`);
  const ec = await generateKeyPair("ES256", { extractable: true });
  const publicKeyFile = join(dir, "jwt-public.pem");
  writeFileSync(publicKeyFile, await exportSPKI(ec.publicKey));
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const jwksFile = join(dir, "jwks.json");
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: "test-rsa", alg: "RS256", use: "sig" };
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));

  const sign = (claims: TestClaims, header: { alg: string; kid?: string }) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ...(claims.scope !== undefined && { scope: claims.scope }) })
      .setProtectedHeader(header)
      .setIssuedAt(now);
    if (claims.expiresIn !== null) jwt.setExpirationTime(now + (claims.expiresIn ?? 3600));
    if (claims.sub !== undefined) jwt.setSubject(claims.sub);
    if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
    if (claims.aud !== undefined) jwt.setAudience(claims.aud);
    if (claims.notBefore !== undefined) jwt.setNotBefore(now + claims.notBefore);
    return jwt;
  };
  return {
    secretFile,
    publicKeyFile,
    jwksFile,
    secret,
    hs256: (claims, key = secret) => sign(claims, { alg: "HS256" }).sign(key),
    es256: (claims) => sign(claims, { alg: "ES256" }).sign(ec.privateKey),
    rs256: (claims) => sign(claims, { alg: "RS256", kid: "test-rsa" }).sign(rsa.privateKey),
  };
}

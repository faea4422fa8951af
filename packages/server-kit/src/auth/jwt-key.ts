import { createPublicKey, type KeyObject } from "node:crypto";
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from "jose";
import { ConfigError } from "../config/option.js";
import { readConfigFile } from "../config/read-config-file.js";

/**
 * What verifies a token's signature, and the algorithms it may be signed with. Pinning the
 * algorithms to the key's type is what refuses algorithm confusion (an RS256 public key used as
 * an HS256 secret) and `alg: none`.
 */
export interface JwtKey {
  readonly key: Uint8Array | KeyObject | JWTVerifyGetKey;
  readonly algorithms: readonly string[];
}

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits. */
const MIN_SECRET_BYTES = 32;

/**
 * Reads `--auth-jwt-secret-file`: the HS256 secret, its trailing newline dropped (as `echo`
 * writes it). Shorter than 32 bytes is refused.
 */
export function loadJwtSecret(path: string): JwtKey {
  const flag = "--auth-jwt-secret-file";
  const content = readConfigFile(path, flag);
  const end = content.at(-1) === 0x0a ? (content.at(-2) === 0x0d ? -2 : -1) : content.length;
  const secret = content.subarray(0, end);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new ConfigError(
      `${flag} ${path} holds ${secret.length} bytes; an HS256 secret needs at least ${MIN_SECRET_BYTES} (e.g. openssl rand -base64 48 > ${path})`,
    );
  }
  return { key: new Uint8Array(secret), algorithms: ["HS256"] };
}

/**
 * Reads `--auth-jwt-public-key`: a PEM public key (RSA → RS256, EC P-256 → ES256, P-384 →
 * ES384, Ed25519 → EdDSA) or a JWKS file (`{"keys": [...]}`, keys chosen by the token's `kid`).
 */
export function loadJwtPublicKey(path: string): JwtKey {
  const flag = "--auth-jwt-public-key";
  const text = readConfigFile(path, flag).toString("utf8").trim();
  if (text.startsWith("{")) return jwksKey(text, `${flag} ${path}`);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
    throw new ConfigError(`${flag} ${path} holds a private key; give the server the public key`);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new ConfigError(`${flag} ${path} is neither a PEM public key nor a JWKS file`);
  }
  return { key, algorithms: [algorithmOf(key, `${flag} ${path}`)] };
}

function algorithmOf(key: KeyObject, source: string): string {
  const type = key.asymmetricKeyType;
  if (type === "rsa") return "RS256";
  if (type === "ed25519") return "EdDSA";
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1") return "ES256";
    if (curve === "secp384r1") return "ES384";
  }
  throw new ConfigError(
    `${source}: unsupported key type ${type ?? "unknown"}; use RSA, EC P-256/P-384 or Ed25519`,
  );
}

function jwksKey(text: string, source: string): JwtKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${source} is not valid JSON: ${reason}`);
  }
  const keys = jwkArray(parsed);
  if (keys === undefined || keys.length === 0)
    throw new ConfigError(`${source}: a JWKS file holds {"keys": [...]} with at least one key`);
  const algorithms = new Set<string>();
  for (const jwk of keys) {
    if (jwk.kty === "oct" || jwk.d !== undefined)
      throw new ConfigError(`${source}: holds a secret or private key; give public keys only`);
    algorithms.add(jwk.alg ?? defaultAlgorithm(jwk, source));
  }
  const jwks: JSONWebKeySet = { keys };
  return { key: createLocalJWKSet(jwks), algorithms: [...algorithms] };
}

function jwkArray(value: unknown): JWK[] | undefined {
  if (typeof value !== "object" || value === null || !("keys" in value)) return undefined;
  const { keys } = value;
  if (!Array.isArray(keys)) return undefined;
  return keys.filter((key): key is JWK => typeof key === "object" && key !== null && "kty" in key);
}

function defaultAlgorithm(jwk: JWK, source: string): string {
  if (jwk.kty === "RSA") return "RS256";
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "EC" && jwk.crv === "P-384") return "ES384";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  throw new ConfigError(
    `${source}: key ${jwk.kid ?? "(no kid)"} of type ${jwk.kty} needs an "alg" member`,
  );
}

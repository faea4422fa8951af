import { decodeJwt } from "jose";

/**
 * Whether the credentials given name a user, so that a chat server that identifies users binds
 * the session to them: a JWT `--token` with a `sub` claim, or a client certificate (`--cert`).
 * Only the shape is checked here; the server verifies.
 */
export function credentialsNameUser({
  token,
  cert,
}: {
  readonly token: string | undefined;
  readonly cert: string | undefined;
}): boolean {
  if (cert !== undefined) return true;
  if (token === undefined) return false;
  try {
    return typeof decodeJwt(token).sub === "string";
  } catch {
    // Not a JWT: a shared token, which names no one.
    return false;
  }
}

import { X509Certificate } from "node:crypto";
import { decodeJwt } from "jose";

/**
 * The user the credentials name, as a chat server that identifies users would bind them: the
 * `sub` of a JWT `--token`, or the subject CN of the `--cert` (else its first email or DNS
 * subject alternative name, the servers' rule). `undefined` when they name no one (no token, a
 * shared token, no certificate). Only read here; the server verifies. Sending this name as the
 * author works with every server: one that identifies users finds it equal to the signed-in
 * user, one that does not takes it as the self-declared author.
 */
export function credentialName({
  token,
  certPem,
}: {
  readonly token: string | undefined;
  readonly certPem: Buffer | undefined;
}): string | undefined {
  return (certPem && certificateUser(certPem)) ?? (token && tokenSubject(token)) ?? undefined;
}

function tokenSubject(token: string): string | undefined {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === "string" && sub !== "" ? sub : undefined;
  } catch {
    // Not a JWT: a shared token, which names no one.
    return undefined;
  }
}

function certificateUser(pem: Buffer): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return undefined;
  }
  // `subject` is one `KEY=value` per line.
  const commonName = /^CN=(.+)$/m.exec(certificate.subject)?.[1];
  if (commonName !== undefined && commonName !== "") return commonName;
  for (const entry of (certificate.subjectAltName ?? "").split(/,\s*/)) {
    const match = /^(?:email|DNS):(.+)$/.exec(entry);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

import type { PeerCertificate } from "node:tls";
import type { Authentication, Authenticator } from "./authenticator.js";
import { refusal } from "./authenticator.js";
import type { Scope } from "./principal.js";

/**
 * Identifies users by their TLS client certificate (`--auth-from-client-cert`, with mTLS): the
 * user is the certificate subject's common name, or when it has none its first `email:` or
 * `DNS:` subject alternative name. The certificate was already verified against
 * `--tls-client-ca` by the TLS handshake. Certificates carry no scopes: the user gets
 * `defaultScopes` (`--auth-default-scopes`).
 */
export function clientCertificateAuthenticator(defaultScopes: ReadonlySet<Scope>): Authenticator {
  return {
    mode: "client-certificate",
    authenticate({ peerCertificate }): Authentication {
      const subject = peerCertificate === undefined ? undefined : certificateUser(peerCertificate);
      if (subject === undefined) {
        return refusal(
          "no client certificate naming a user: present a certificate whose subject CN (or email/DNS SAN) is your user name",
          peerCertificate === undefined ? "no client certificate" : "certificate names no user",
        );
      }
      return {
        ok: true,
        principal: { kind: "user", subject, scopes: defaultScopes, via: "client-certificate" },
      };
    },
  };
}

/** The user a certificate names: its subject CN, else its first email or DNS SAN. */
export function certificateUser(certificate: PeerCertificate): string | undefined {
  // Node types CN as a string; a subject with several CNs comes as an array.
  const commonName: unknown = certificate.subject?.CN;
  const first = Array.isArray(commonName) ? commonName[0] : commonName;
  if (typeof first === "string" && first !== "") return first;
  for (const entry of (certificate.subjectaltname ?? "").split(/,\s*/)) {
    const match = /^(?:email|DNS):(.+)$/.exec(entry);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

import type { PeerCertificate } from "node:tls";
import type { Metadata } from "@grpc/grpc-js";
import type { Principal } from "./principal.js";

/** What an authenticator sees of a call: its headers and its TLS session. */
export interface Credentials {
  readonly metadata: Metadata;
  /** The client's certificate, on a TLS connection where the client presented one. */
  readonly peerCertificate: PeerCertificate | undefined;
}

/** The outcome of authenticating one call. */
export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      /** Sent to the client with `UNAUTHENTICATED`: what is wrong and how to fix it, never the token. */
      readonly details: string;
      /** Written to the server log: why the call was refused (no secret in it either). */
      readonly reason: string;
    };

/**
 * One authentication mode: turns a call's credentials into a principal, or a refusal. May answer
 * synchronously (a cached token) or asynchronously (a signature to verify).
 */
export interface Authenticator {
  /** The mode's name, for the `listening` log line: `token`, `jwt` or `client-certificate`. */
  readonly mode: "token" | "jwt" | "client-certificate";
  authenticate(credentials: Credentials): Authentication | Promise<Authentication>;
}

/** A refusal, with the same text for the client and the log unless they must differ. */
export function refusal(details: string, reason = details): Authentication {
  return { ok: false, details, reason };
}

import type { Metadata } from "@grpc/grpc-js";

/**
 * The token of a call's `authorization: Bearer <token>` header (RFC 6750 §2.1), or `undefined`
 * when there is none.
 */
export function bearerToken(metadata: Metadata): string | undefined {
  const header = metadata.get("authorization")[0];
  if (typeof header !== "string") return undefined;
  return /^Bearer\s+(.+?)\s*$/i.exec(header)?.[1];
}

/** How a client sends its token, for refusals. */
export const BEARER_HINT =
  "send metadata `authorization: Bearer <token>` (fibchat CLI: --token or FIBCHAT_TOKEN)";

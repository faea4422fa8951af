import type { Metadata } from "@grpc/grpc-js";

/** A permission a token grants, from its OAuth-style `scope` claim. */
export type Scope = "chat.read" | "chat.write" | "fibonacci.read";

/** Every scope fibchat checks, in the order the README lists them. */
export const SCOPES: readonly Scope[] = ["chat.read", "chat.write", "fibonacci.read"];

/**
 * Who is calling, as the server's authentication mode established it.
 *
 * - `user`: the server identifies users (a verified JWT or a client certificate); `subject` is
 *   the user's name and `scopes` what they may do.
 * - `anonymous`: the server identifies no one (no auth, or one shared bearer token): every caller
 *   may do everything, and limits fall back to the peer's address.
 */
export type Principal =
  | {
      readonly kind: "user";
      readonly subject: string;
      readonly scopes: ReadonlySet<Scope>;
      /** How the user was identified, for logs. */
      readonly via: "jwt" | "client-certificate";
    }
  | { readonly kind: "anonymous" };

/** The principal of a server that identifies no one. */
export const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous" });

/** Whether `principal` may use what `scope` guards (anonymous callers may use everything). */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.kind === "anonymous" || principal.scopes.has(scope);
}

/**
 * The second half of a refusal for a missing scope, naming who asked and what they have:
 * `you (carol) have chat.read: ask for a token with scope chat.write`.
 */
export function scopeRefusal(scope: Scope, principal: Principal): string {
  const who = principal.kind === "user" ? principal.subject : "anonymous";
  const granted = principal.kind === "user" ? [...principal.scopes].join(" ") : "";
  return `you (${who}) have ${granted === "" ? "no scope" : granted}: ask for a token with scope ${scope}`;
}

/**
 * The key per-user limits count under: the subject of an identified user, else the caller's IP
 * address (without the port, so one client's many connections share one allowance).
 */
export function limitKey(principal: Principal, peer: string): string {
  if (principal.kind === "user") return `user:${principal.subject}`;
  return `peer:${peerHost(peer)}`;
}

/** `1.2.3.4` of `1.2.3.4:5678`, `::1` of `[::1]:5678`; anything else unchanged. */
function peerHost(peer: string): string {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(peer);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const plain = /^([^:]+):\d+$/.exec(peer);
  return plain?.[1] ?? peer;
}

// The authentication interceptor runs before the handler's call object exists; the one thing
// both see is the request's Metadata object, which grpc-js 1.14 hands from one to the other
// unchanged for every kind of call (server-interceptors.ts: the handler's call is built from
// the metadata `onReceiveMetadata` passed on). If that ever changed, `principalOf` would find
// nothing, and a server that authenticates refuses the call rather than treat it as anonymous.
const principals = new WeakMap<Metadata, Principal>();

/** Records the principal an interceptor established for the call whose metadata this is. */
export function attachPrincipal(metadata: Metadata, principal: Principal): void {
  principals.set(metadata, principal);
}

/**
 * The principal attached to a call's metadata. When none was: {@link ANONYMOUS} on a server that
 * authenticates no one, `undefined` on one that does (the call must then be refused).
 */
export function principalOf(metadata: Metadata, authenticates: boolean): Principal | undefined {
  return principals.get(metadata) ?? (authenticates ? undefined : ANONYMOUS);
}

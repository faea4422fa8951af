import { ServerInterceptingCall, type ServerInterceptor, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { INTERNAL_ERROR_MESSAGE } from "../rpc-error.js";
import type { Authentication, Authenticator } from "./authenticator.js";
import {
  attachPrincipal,
  hasScope,
  type Principal,
  type Scope,
  scopeRefusal,
} from "./principal.js";

/** Health checks answer without credentials, so load balancers and orchestrators need none. */
const HEALTH_PREFIX = "/grpc.health.v1.Health/";

/** Options of {@link authInterceptor}. */
export interface AuthInterceptorOptions {
  readonly authenticator: Authenticator;
  /** The scope each method needs, by full path; methods not listed need none. Read per call. */
  readonly requiredScopes: ReadonlyMap<string, Scope>;
  readonly log: Logger;
}

/**
 * Authenticates every call except health checks before its handler runs: a refused call ends
 * with `UNAUTHENTICATED`, a call its principal lacks the scope for with `PERMISSION_DENIED`, and
 * either refusal is logged with the peer and the reason. An accepted call's principal is attached
 * to its metadata, where the handler's `CallContext.principal` finds it.
 */
export function authInterceptor({
  authenticator,
  requiredScopes,
  log,
}: AuthInterceptorOptions): ServerInterceptor {
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            if (method.path.startsWith(HEALTH_PREFIX)) {
              nextMetadata(metadata);
              return;
            }
            const admit = (authentication: Authentication) => {
              if (!authentication.ok) {
                refuse(status.UNAUTHENTICATED, authentication.details, authentication.reason);
                return;
              }
              const { principal } = authentication;
              const scope = requiredScopes.get(method.path);
              if (scope !== undefined && !hasScope(principal, scope)) {
                refuse(
                  status.PERMISSION_DENIED,
                  `${method.path} needs the ${scope} scope; ${scopeRefusal(scope, principal)}`,
                  `missing scope ${scope}`,
                  principal,
                );
                return;
              }
              attachPrincipal(metadata, principal);
              nextMetadata(metadata);
            };
            const refuse = (
              code: status,
              details: string,
              reason: string,
              principal?: Principal,
            ) => {
              log.warn(
                {
                  method: method.path,
                  peer: call.getPeer(),
                  reason,
                  ...(principal?.kind === "user" && { subject: principal.subject }),
                },
                code === status.UNAUTHENTICATED
                  ? "call refused: not authenticated"
                  : "call refused: permission denied",
              );
              call.sendStatus({ code, details });
            };
            const authentication = authenticator.authenticate({
              metadata,
              peerCertificate: call.getAuthContext().sslPeerCertificate,
            });
            if (!(authentication instanceof Promise)) {
              admit(authentication);
              return;
            }
            let admitted = false;
            authentication
              .then((result) => {
                admitted = true;
                admit(result);
              })
              // Admitting starts the rest of the call synchronously: a throw from there, or from
              // the authenticator, must end this call, not the process.
              .catch((error: unknown) => {
                log.error(
                  { err: error, method: method.path },
                  "authentication failed unexpectedly",
                );
                if (!admitted) {
                  call.sendStatus({ code: status.INTERNAL, details: INTERNAL_ERROR_MESSAGE });
                }
              });
          },
        });
      },
    });
}

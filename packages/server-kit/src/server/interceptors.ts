import { createHash, timingSafeEqual } from "node:crypto";
import { ServerInterceptingCall, type ServerInterceptor, status } from "@grpc/grpc-js";
import type { Logger } from "pino";

/** Health checks answer without a token, so load balancers and orchestrators need none. */
const HEALTH_PREFIX = "/grpc.health.v1.Health/";

/**
 * Logs one line per finished call at info level: method, status code name, duration and peer.
 * Cancelled and expired calls are logged at info too: a client leaving is not a server error.
 */
export function accessLogInterceptor(log: Logger): ServerInterceptor {
  return (method, call) => {
    const startedAt = performance.now();
    // Read now: once a client has cancelled, grpc-js no longer knows its address.
    const peer = call.getPeer();
    let logged = false;
    const finish = (code: status) => {
      if (logged) return;
      logged = true;
      const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      log.info({ method: method.path, code: status[code], durationMs, peer }, "rpc finished");
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onCancel() {
            const deadline = call.getDeadline();
            const expired =
              deadline instanceof Date ? deadline.getTime() <= Date.now() : deadline <= Date.now();
            finish(expired ? status.DEADLINE_EXCEEDED : status.CANCELLED);
          },
        });
      },
      sendStatus(statusObject, next) {
        finish(statusObject.code);
        next(statusObject);
      },
    });
  };
}

/**
 * Requires `authorization: Bearer <token>` on every call except health checks, answering
 * `UNAUTHENTICATED` otherwise. The refusal is logged without the token that was sent.
 */
export function bearerAuthInterceptor(token: string, log: Logger): ServerInterceptor {
  const expected = digest(token);
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const header = metadata.get("authorization")[0];
            const presented =
              typeof header === "string" ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
            if (
              method.path.startsWith(HEALTH_PREFIX) ||
              (presented !== undefined && timingSafeEqual(digest(presented), expected))
            ) {
              nextMetadata(metadata);
              return;
            }
            log.warn(
              {
                method: method.path,
                peer: call.getPeer(),
                reason: presented === undefined ? "no bearer token" : "wrong bearer token",
              },
              "call refused: not authenticated",
            );
            call.sendStatus({
              code: status.UNAUTHENTICATED,
              details:
                "missing or wrong bearer token: send metadata `authorization: Bearer <token>` (fibchat CLI: --token or FIBCHAT_TOKEN)",
            });
          },
        });
      },
    });
}

// Comparing fixed-size digests keeps the comparison constant-time whatever the token lengths.
function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

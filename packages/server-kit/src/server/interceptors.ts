import {
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { principalOf } from "../auth/principal.js";

/**
 * Logs one line per finished call at info level: method, status code name, duration, peer, and
 * the user's `subject` when the server identifies users.
 * Cancelled and expired calls are logged at info too: a client leaving is not a server error.
 */
export function accessLogInterceptor(log: Logger): ServerInterceptor {
  return (method, call) => {
    const startedAt = performance.now();
    // Read now: once a client has cancelled, grpc-js no longer knows its address.
    const peer = call.getPeer();
    let logged = false;
    let metadata: Metadata | undefined;
    const finish = (code: status) => {
      if (logged) return;
      logged = true;
      const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      // The auth interceptor, inside this one, attaches the principal to the same metadata.
      const principal = metadata === undefined ? undefined : principalOf(metadata, false);
      const subject = principal?.kind === "user" ? principal.subject : undefined;
      log.info(
        {
          method: method.path,
          code: status[code],
          durationMs,
          peer,
          ...(subject !== undefined && { subject }),
        },
        "rpc finished",
      );
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(received, nextMetadata) {
            metadata = received;
            nextMetadata(received);
          },
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

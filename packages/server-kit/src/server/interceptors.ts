import {
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptor,
  type status,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { principalOf } from "../auth/principal.js";
import { spanOf } from "../telemetry/call-span.js";
import { accessLogFields, RPC_FINISHED } from "./access-log-line.js";
import { cancelledCode } from "./cancelled-code.js";
import { jsonLineWriterOf } from "./json-line-writer.js";

/**
 * Logs one line per finished call at info level: method, status code name, duration, peer, and
 * the user's `subject` when the server identifies users, and `trace_id` and `span_id` when the
 * call has an OpenTelemetry span (the tracing interceptor, outside this one, opened it).
 * Cancelled and expired calls are logged at info too: a client leaving is not a server error.
 */
export function accessLogInterceptor(log: Logger): ServerInterceptor {
  const lines = jsonLineWriterOf(log);
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
      const span = metadata === undefined ? undefined : spanOf(metadata)?.spanContext();
      const fields = accessLogFields({
        method: method.path,
        code,
        durationMs,
        peer,
        subject,
        span,
      });
      lines.info(fields, RPC_FINISHED);
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(received, nextMetadata) {
            metadata = received;
            nextMetadata(received);
          },
          onCancel() {
            finish(cancelledCode(call));
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

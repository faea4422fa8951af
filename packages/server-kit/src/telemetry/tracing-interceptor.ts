import {
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from "@grpc/grpc-js";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { CallTracing } from "../adapter/call-scope.js";
import { cancelledCode } from "../server/cancelled-code.js";
import { attachSpan, spanOf } from "./call-span.js";
import { metadataGetter } from "./metadata-carrier.js";

/**
 * The codes that mark a SERVER span as failed, per the OpenTelemetry RPC semantic conventions
 * for gRPC: the server's faults, not the caller's (`INVALID_ARGUMENT`, `NOT_FOUND` … are unset).
 */
const SERVER_ERRORS: ReadonlySet<status> = new Set([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

/**
 * Opens a SERVER span per call, named `package.Service/Method`, with the RPC semantic
 * conventions' attributes (`rpc.system`, `rpc.service`, `rpc.method`, `rpc.grpc.status_code`),
 * as a child of the W3C `traceparent`/`tracestate` the caller sent. A streaming call gets one
 * span for its whole life. The span is attached to the call (see `spanOf`) for the access log
 * and the handler, and ends with the call's status, `CANCELLED` included.
 */
export function tracingInterceptor(tracer: Tracer): ServerInterceptor {
  return (method, call) => {
    const [, service = "", name = ""] = method.path.split("/");
    let span: Span | undefined;
    let ended = false;
    const end = (code: status, details?: string) => {
      if (span === undefined || ended) return;
      ended = true;
      span.setAttribute("rpc.grpc.status_code", code);
      if (SERVER_ERRORS.has(code)) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `${status[code]}${details ? `: ${details}` : ""}`,
        });
      }
      span.end();
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
            span = tracer.startSpan(
              `${service}/${name}`,
              {
                kind: SpanKind.SERVER,
                attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": name },
              },
              parent,
            );
            attachSpan(metadata, span);
            nextMetadata(metadata);
          },
          onCancel() {
            end(cancelledCode(call));
          },
        });
      },
      sendStatus(statusObject, next) {
        end(statusObject.code, statusObject.details);
        next(statusObject);
      },
    });
  };
}

/**
 * Runs `run` with the call's span as the active one, so that spans the handler starts (a store
 * write) become its children; runs it as it is when the call has no span.
 */
export function inCallSpan<T>(metadata: Metadata, run: () => T): T {
  const span = spanOf(metadata);
  return span === undefined ? run() : context.with(trace.setSpan(context.active(), span), run);
}

/**
 * What a server that traces its calls installs: the interceptor that opens each call's span, and
 * the adapter's way of running handlers inside it. The tracer comes from the globally registered
 * provider (`startTracingFromEnv`).
 */
export function serverTracing(): { interceptor: ServerInterceptor; tracing: CallTracing } {
  return {
    interceptor: tracingInterceptor(trace.getTracer("@fibchat/server-kit")),
    tracing: { inCallSpan },
  };
}

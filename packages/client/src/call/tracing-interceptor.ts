import { InterceptingCall, type Interceptor, type Metadata, status } from "@grpc/grpc-js";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * Opens an OpenTelemetry CLIENT span per call, named `package.Service/Method` with the RPC
 * semantic conventions' attributes, as a child of the active context, and sends it to the server
 * as W3C `traceparent`/`tracestate` metadata. The span ends with the call's status (an error
 * status for anything but `OK`). Uses only the OpenTelemetry API: spans are recorded and
 * exported by whatever SDK the application registered, and are no-ops without one.
 */
export function tracingInterceptor(): Interceptor {
  // Asked for when the client is made, after the application registered its SDK, not at module
  // load: an ESM application and a CommonJS SDK load two copies of @opentelemetry/api, and a
  // tracer taken from this copy before registration would stay a no-op forever.
  const tracer = trace.getTracer("@fibchat/client");
  return (options, nextCall) => {
    const [, service = "", method = ""] = options.method_definition.path.split("/");
    const span = tracer.startSpan(`${service}/${method}`, {
      kind: SpanKind.CLIENT,
      attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method },
    });
    const callContext = trace.setSpan(context.active(), span);
    return new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        propagation.inject(callContext, metadata, {
          set: (carrier: Metadata, key, value) => carrier.set(key, value),
        });
        next(metadata, {
          onReceiveStatus(received, nextStatus) {
            span.setAttribute("rpc.grpc.status_code", received.code);
            if (received.code !== status.OK) {
              span.setStatus({
                code: SpanStatusCode.ERROR,
                message: `${status[received.code]}: ${received.details}`,
              });
            }
            span.end();
            nextStatus(received);
          },
        });
      },
    });
  };
}

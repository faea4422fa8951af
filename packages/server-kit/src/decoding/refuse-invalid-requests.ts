import { ServerInterceptingCall, type ServerInterceptor, status } from "@grpc/grpc-js";
import { isStrictDeserializer, RefusedRequest } from "./strict-service.js";

/**
 * Ends a call with `INVALID_ARGUMENT` when a request message was refused by a
 * {@link strictService} deserializer, before any handler sees it; later messages of that call
 * are dropped. Calls of methods without a strict deserializer pass through untouched.
 *
 * The refusal is made here and not by throwing from the deserializer, because grpc-js answers a
 * throwing deserializer with `INTERNAL` ("Error deserializing request"), a server fault.
 */
export function refuseInvalidRequests(): ServerInterceptor {
  return (method, call) => {
    if (!isStrictDeserializer(method.requestDeserialize)) {
      // Passing the call through as it is costs nothing per call, but grpc-js's type only
      // allows it when an earlier interceptor (the access log, auth) made it a ServerInterceptingCall.
      return call instanceof ServerInterceptingCall ? call : new ServerInterceptingCall(call);
    }
    let refused = false;
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            if (refused) return;
            if (message instanceof RefusedRequest) {
              refused = true;
              call.sendStatus({ code: status.INVALID_ARGUMENT, details: message.details });
              return;
            }
            nextMessage(message);
          },
          onReceiveHalfClose(nextHalfClose) {
            if (!refused) nextHalfClose();
          },
        });
      },
    });
  };
}

import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from "@grpc/grpc-js";
import { toFibchatError } from "../fibchat-error.js";
import type { PreparedCall } from "./call-options.js";

/** The callback every generated unary method takes. */
export type UnaryCallback<Res> = (error: ServiceError | null, response: Res) => void;

/**
 * Makes one unary call and resolves with its response. `invoke` calls the generated method with
 * the metadata, options and callback it is given. A failure rejects with a `FibchatError`;
 * aborting the call's signal cancels it.
 */
export function unary<Res>(
  target: string,
  call: PreparedCall,
  invoke: (
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: UnaryCallback<Res>,
  ) => ClientUnaryCall,
): Promise<Res> {
  const { signal } = call;
  return new Promise<Res>((resolve, reject) => {
    const cancel = () => grpcCall.cancel();
    const grpcCall = invoke(call.metadata, call.options, (error, response) => {
      signal?.removeEventListener("abort", cancel);
      if (error === null) resolve(response);
      else reject(toFibchatError(error, target));
    });
    signal?.addEventListener("abort", cancel, { once: true });
  });
}

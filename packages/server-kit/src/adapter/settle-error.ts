import { isServerFault, type PublicStatus, RpcError, toPublicStatus } from "../rpc-error.js";
import type { CallContext } from "./call-context.js";

/**
 * Turns whatever a handler threw into the status sent to the client, and logs the cause of
 * server faults. A failure after the call's signal fired (cancel, deadline, shutdown) is reported
 * as that reason, not as an error of the handler. An `RpcError`'s retry hint comes back as trailers.
 */
export function settleError(error: unknown, context: CallContext): PublicStatus {
  const { signal } = context;
  const reported = signal.aborted && signal.reason instanceof RpcError ? signal.reason : error;
  const publicStatus = toPublicStatus(reported);
  if (isServerFault(publicStatus.code)) {
    context.log.error({ err: error }, "handler failed");
  }
  return publicStatus;
}

import type { EventEmitter } from "node:events";
import type { status } from "@grpc/grpc-js";

/**
 * Ends a grpc-js server stream with a non-OK status after what was already written: grpc-js
 * turns an `'error'` event carrying `code` and `details` into the call's final status.
 */
export function endWithStatus(call: EventEmitter, code: status, details: string): void {
  call.emit("error", Object.assign(new Error(details), { code, details }));
}

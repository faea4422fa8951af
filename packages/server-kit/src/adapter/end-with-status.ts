import type { ServerDuplexStream, ServerWritableStream } from "@grpc/grpc-js";
import type { PublicStatus } from "../rpc-error.js";

/**
 * Ends a streaming call with a non-OK status, after the messages already written: grpc-js turns
 * an `'error'` event on a server stream into the call's final status, with `metadata` as trailers.
 */
export function endWithStatus<Req, Res>(
  call: ServerWritableStream<Req, Res> | ServerDuplexStream<Req, Res>,
  { code, details, metadata }: PublicStatus,
): void {
  call.emit("error", Object.assign(new Error(details), { code, details, metadata }));
}

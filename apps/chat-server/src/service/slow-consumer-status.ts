import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { SlowConsumerError } from "../room-feed/index.js";

/** The request field a cut-off reader resumes with. */
export type ResumeField = "replay_after_id" | "after_id";

/** The `RESOURCE_EXHAUSTED` status that ends a slow reader's call and tells it how to resume. */
export function slowConsumerRpcError(error: SlowConsumerError, resumeField: ResumeField): RpcError {
  return new RpcError(
    status.RESOURCE_EXHAUSTED,
    `you fell more than ${error.capacity} messages behind in room "${error.room}" and were disconnected; ` +
      `reconnect with ${resumeField} set to the last id you received (the server had sent up to ${error.lastDeliveredId})`,
    { cause: error },
  );
}

/** Rethrows a feed's {@link SlowConsumerError} as {@link slowConsumerRpcError}; anything else passes. */
export function slowConsumerStatus(error: unknown, resumeField: ResumeField): unknown {
  return error instanceof SlowConsumerError ? slowConsumerRpcError(error, resumeField) : error;
}

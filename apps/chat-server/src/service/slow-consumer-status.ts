import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { SlowConsumerError } from "../room-feed/index.js";

/**
 * Rethrows a feed's {@link SlowConsumerError} as the `RESOURCE_EXHAUSTED` status that tells the
 * client how to resume; anything else passes through.
 */
export function slowConsumerStatus(
  error: unknown,
  resumeField: "replay_after_id" | "after_id",
): unknown {
  if (!(error instanceof SlowConsumerError)) return error;
  return new RpcError(
    status.RESOURCE_EXHAUSTED,
    `you fell more than ${error.capacity} messages behind in room "${error.room}" and were disconnected; ` +
      `reconnect with ${resumeField} set to the last id you received (the server had sent up to ${error.lastDeliveredId})`,
    { cause: error },
  );
}

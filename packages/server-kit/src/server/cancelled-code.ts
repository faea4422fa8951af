import { type Deadline, status } from "@grpc/grpc-js";

/**
 * The status a call ended with when grpc-js reports it cancelled without a status passing the
 * interceptors: `DEADLINE_EXCEEDED` once its deadline has passed (grpc-js ends expired calls
 * this way), else `CANCELLED` (the client went away).
 */
export function cancelledCode(call: { getDeadline(): Deadline }): status {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at <= Date.now() ? status.DEADLINE_EXCEEDED : status.CANCELLED;
}

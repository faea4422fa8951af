import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { RuleResult } from "../rules/index.js";

/** The value of a rule that passed, or `INVALID_ARGUMENT` with the rule's reason. */
export function required<T>(result: RuleResult<T>): T {
  if (!result.ok) throw new RpcError(status.INVALID_ARGUMENT, result.reason);
  return result.value;
}

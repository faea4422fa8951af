import { requestLayouts } from "@fibchat/contracts/request-layouts";
import { type MessagePlan, planMessages } from "./wire-plan.js";

let plans: ReadonlyMap<string, MessagePlan> | undefined;

/**
 * The wire plan of the request of the method at `path` (`/package.Service/Method`), from the
 * request layouts generated with `@fibchat/contracts`. Throws when it is not there, so that no
 * service is served without its requests being checked.
 */
export function requestPlanOf(path: string): MessagePlan {
  plans ??= planMessages(requestLayouts);
  const typeName = requestLayouts.methods[path];
  const found = typeName === undefined ? undefined : plans.get(typeName);
  if (found === undefined)
    throw new Error(
      `cannot check the requests of ${path} for invalid UTF-8: its request type is in no generated request layout; add its proto to @fibchat/contracts`,
    );
  return found;
}

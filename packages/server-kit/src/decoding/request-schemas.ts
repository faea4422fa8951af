import type { DescMessage } from "@bufbuild/protobuf";
import { contractsRegistry } from "./contracts-registry.js";

/**
 * The request message type of the method at `path` (`/package.Service/Method`), looked up in the
 * descriptor set of `@fibchat/contracts`. Throws when it is not there, so that no service is
 * served without its requests being checked.
 */
export function requestSchemaOf(path: string): DescMessage {
  const [, service = "", name] = path.split("/");
  const found = contractsRegistry()
    .getService(service)
    ?.methods.find((method) => method.name === name)?.input;
  if (found === undefined)
    throw new Error(
      `cannot check the requests of ${path} for invalid UTF-8: its request type is in no descriptor set; add its proto to @fibchat/contracts`,
    );
  return found;
}

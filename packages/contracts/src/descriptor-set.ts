import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of the binary `FileDescriptorSet` of every fibchat proto and its imports,
 * comments included, as written by `buf build`. Servers feed it to gRPC reflection so that
 * grpcurl, Postman or evans can call them without the `.proto` files.
 */
export const descriptorSetPath: string = fileURLToPath(
  new URL("../descriptors/fibchat.binpb", import.meta.url),
);

/** Reads the bytes of the descriptor set at {@link descriptorSetPath}. */
export function readDescriptorSet(): Buffer {
  return readFileSync(descriptorSetPath);
}

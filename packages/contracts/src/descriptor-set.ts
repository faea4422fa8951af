import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of the binary `FileDescriptorSet` of every fibchat proto and its imports,
 * comments included, as written by `buf build`. Servers feed it to gRPC reflection so that
 * grpcurl, Postman or evans can call them without the `.proto` files.
 */
export const descriptorSetPath: string = locateDescriptorSet();

/** Reads the bytes of the descriptor set at {@link descriptorSetPath}. */
export function readDescriptorSet(): Buffer {
  return readFileSync(descriptorSetPath);
}

/**
 * Found through the package's exports rather than by a path relative to this file, so that a
 * bundle containing this module (each fibchat server is one) still finds the installed file.
 * Where the package cannot be resolved by name, the path beside this file is kept, so that
 * importing the package never throws and reading the set names the file it missed.
 */
function locateDescriptorSet(): string {
  try {
    return createRequire(import.meta.url).resolve("@fibchat/contracts/descriptor-set.binpb");
  } catch {
    return fileURLToPath(new URL("../descriptors/fibchat.binpb", import.meta.url));
  }
}

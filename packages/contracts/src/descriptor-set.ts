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
 * Where no `@fibchat/contracts` is installed to resolve (a bundle deployed without it), the path
 * beside this file is kept, so that importing the package never throws and reading the set
 * names the file it missed; any other failure (a broken install) is thrown here.
 */
function locateDescriptorSet(): string {
  try {
    return createRequire(import.meta.url).resolve("@fibchat/contracts/descriptor-set.binpb");
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "MODULE_NOT_FOUND")) {
      throw error;
    }
    return fileURLToPath(new URL("../descriptors/fibchat.binpb", import.meta.url));
  }
}

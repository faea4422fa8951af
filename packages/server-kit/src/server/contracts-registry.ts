import { createFileRegistry, type FileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { readDescriptorSet } from "@fibchat/contracts";

let registry: FileRegistry | undefined;

/**
 * Every file of the descriptor set `@fibchat/contracts` ships, parsed once per process, when
 * reflection is first asked: reflection serves it.
 */
export function contractsRegistry(): FileRegistry {
  registry ??= createFileRegistry(fromBinary(FileDescriptorSetSchema, readDescriptorSet()));
  return registry;
}

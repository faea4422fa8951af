import {
  create,
  createFileRegistry,
  type DescMessage,
  fromBinary,
  type Registry,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { readDescriptorSet } from "@fibchat/contracts";
import { qualifyTypeNames } from "./qualify-type-names.js";

let contractsRegistry: Registry | undefined;

/**
 * The request message type of the method at `path` (`/package.Service/Method`): looked up in the
 * descriptor set of `@fibchat/contracts`, else in the descriptors a `@grpc/proto-loader` method
 * definition carries (`requestType.fileDescriptorProtos`, e.g. reflection v1alpha). Throws when
 * neither knows it, so that no service is served without its requests being checked.
 */
export function requestSchemaOf(path: string, method: object): DescMessage {
  contractsRegistry ??= createFileRegistry(
    fromBinary(FileDescriptorSetSchema, readDescriptorSet()),
  );
  const found = findInput(contractsRegistry, path) ?? findInput(protoLoaderRegistry(method), path);
  if (found === undefined)
    throw new Error(
      `cannot check the requests of ${path} for invalid UTF-8: its request type is in no descriptor set; add its proto to @fibchat/contracts`,
    );
  return found;
}

function findInput(registry: Registry | undefined, path: string): DescMessage | undefined {
  const [, service = "", name] = path.split("/");
  return registry?.getService(service)?.methods.find((method) => method.name === name)?.input;
}

function protoLoaderRegistry(method: object): Registry | undefined {
  const requestType: unknown = "requestType" in method ? method.requestType : undefined;
  if (typeof requestType !== "object" || requestType === null) return undefined;
  const files: unknown =
    "fileDescriptorProtos" in requestType ? requestType.fileDescriptorProtos : undefined;
  if (!Array.isArray(files) || !files.every((file) => file instanceof Uint8Array)) return undefined;
  const file = files.map((bytes: Uint8Array) => fromBinary(FileDescriptorProtoSchema, bytes));
  qualifyTypeNames(file);
  return createFileRegistry(create(FileDescriptorSetSchema, { file }));
}

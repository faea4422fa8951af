import { type DescFile, type FileRegistry, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type {
  ServerReflectionRequest,
  ServerReflectionResponse,
} from "@fibchat/contracts/grpc/reflection/v1";
import { status } from "@grpc/grpc-js";
import { contractsRegistry } from "./contracts-registry.js";

type MessageResponse = ServerReflectionResponse["messageResponse"];

// Encoded once per file for every stream: the descriptor set holds a handful of files.
const encoded = new Map<string, Buffer>();

function bytesOf(file: DescFile): Buffer {
  let bytes = encoded.get(file.name);
  if (bytes === undefined) {
    bytes = Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto));
    encoded.set(file.name, bytes);
  }
  return bytes;
}

/**
 * The answer to one reflection `request`, from the descriptor set `@fibchat/contracts` ships, as
 * grpc-go's reflection answers: `list_services` names only `services`; a file or symbol gets the
 * file's serialized `FileDescriptorProto` followed by those of its imports not in `sent` (the
 * files already sent on this stream, which this adds to); what is unknown gets an
 * `error_response` with `NOT_FOUND`. `undefined` for a request that asks nothing.
 *
 * Its own module, loaded with the first reflection stream: the descriptor set and protobuf's
 * reflection API it needs are not loaded by a server nobody asks.
 */
export function answerReflection(
  request: ServerReflectionRequest,
  services: readonly string[],
  sent: Set<string>,
): MessageResponse | undefined {
  const registry = contractsRegistry();
  const withImports = (file: DescFile | undefined, what: string): MessageResponse => {
    if (file === undefined) return notFound(what);
    const files: Buffer[] = [];
    const queue = [file];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (files.length === 0 || !sent.has(next.name)) {
        sent.add(next.name);
        files.push(bytesOf(next));
      }
      queue.push(...next.dependencies);
    }
    return { $case: "fileDescriptorResponse", value: { fileDescriptorProto: files } };
  };

  const asked = request.messageRequest;
  switch (asked?.$case) {
    case "listServices":
      return {
        $case: "listServicesResponse",
        value: { service: services.map((name) => ({ name })) },
      };
    case "fileByFilename":
      return withImports(registry.getFile(asked.value), `file ${asked.value}`);
    case "fileContainingSymbol":
      return withImports(fileOfSymbol(registry, asked.value), `symbol ${asked.value}`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = asked.value;
      const extension = extensionsOf(registry, containingType).find(
        (candidate) => candidate.number === extensionNumber,
      );
      return withImports(extension?.file, `extension ${extensionNumber} of ${containingType}`);
    }
    case "allExtensionNumbersOfType": {
      if (registry.getMessage(asked.value) === undefined) return notFound(`type ${asked.value}`);
      return {
        $case: "allExtensionNumbersResponse",
        value: {
          baseTypeName: asked.value,
          extensionNumber: extensionsOf(registry, asked.value).map(({ number }) => number),
        },
      };
    }
    default:
      return undefined;
  }
}

function notFound(what: string): MessageResponse {
  return {
    $case: "errorResponse",
    value: {
      errorCode: status.NOT_FOUND,
      errorMessage: `${what} is not known to this server; list_services names what it serves`,
    },
  };
}

/**
 * The file that defines `symbol`: a message, enum, service or extension by its full name, or a
 * method, field, oneof or enum value (enum values are named beside their enum, as in protobuf).
 */
function fileOfSymbol(registry: FileRegistry, symbol: string): DescFile | undefined {
  const type = registry.get(symbol);
  if (type !== undefined) return type.file;
  const dot = symbol.lastIndexOf(".");
  const scope = symbol.slice(0, Math.max(dot, 0));
  const name = symbol.slice(dot + 1);
  const service = registry.getService(scope);
  if (service?.methods.some((method) => method.name === name)) return service.file;
  const message = registry.getMessage(scope);
  if (message?.fields.some((field) => field.name === name)) return message.file;
  if (message?.oneofs.some((oneof) => oneof.name === name)) return message.file;
  for (const candidate of registry) {
    if (candidate.kind !== "enum" || !candidate.values.some((value) => value.name === name)) {
      continue;
    }
    const enumScope = candidate.typeName.slice(0, Math.max(candidate.typeName.lastIndexOf("."), 0));
    if (enumScope === scope) return candidate.file;
  }
  return undefined;
}

function extensionsOf(registry: FileRegistry, typeName: string) {
  return [...registry].flatMap((type) =>
    type.kind === "extension" && type.extendee.typeName === typeName ? [type] : [],
  );
}

import { type DescFile, type FileRegistry, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import {
  type ServerReflectionRequest,
  type ServerReflectionResponse,
  type ServerReflectionServer,
  ServerReflectionService,
} from "@fibchat/contracts/grpc/reflection/v1";
import { ServerReflectionService as ServerReflectionV1AlphaService } from "@fibchat/contracts/grpc/reflection/v1alpha";
import { type Server, status } from "@grpc/grpc-js";
import { contractsRegistry } from "../decoding/contracts-registry.js";

type ReflectionCall = Parameters<ServerReflectionServer["serverReflectionInfo"]>[0];
type MessageResponse = ServerReflectionResponse["messageResponse"];

/**
 * Serves gRPC server reflection (`grpc.reflection.v1`, and `v1alpha` for older tools; the same
 * messages) from the descriptor set `@fibchat/contracts` ships, as grpc-go's reflection does:
 * `list_services` names only `services` (what this server answers, not every service the
 * contracts define); a file or symbol request gets the file's serialized `FileDescriptorProto`
 * followed by those of its imports not yet sent on this stream; what is unknown gets an
 * `error_response` with `NOT_FOUND`, and the stream goes on.
 */
export function addReflection(
  server: Pick<Server, "addService">,
  services: readonly string[],
): void {
  const registry = contractsRegistry();
  // Encoded once per file for every stream: the descriptor set holds a handful of files.
  const encoded = new Map<string, Buffer>();
  const bytesOf = (file: DescFile) => {
    let bytes = encoded.get(file.name);
    if (bytes === undefined) {
      bytes = Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto));
      encoded.set(file.name, bytes);
    }
    return bytes;
  };
  const implementation: ServerReflectionServer = {
    serverReflectionInfo: (call) => answerReflection(call, registry, services, bytesOf),
  };
  server.addService(ServerReflectionService, implementation);
  server.addService(ServerReflectionV1AlphaService, implementation);
}

function answerReflection(
  call: ReflectionCall,
  registry: FileRegistry,
  services: readonly string[],
  bytesOf: (file: DescFile) => Buffer,
): void {
  // Files sent on this stream: an import already sent is not sent again (grpc-go does the same).
  const sent = new Set<string>();
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

  const answer = (request: ServerReflectionRequest): MessageResponse | undefined => {
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
  };

  let refused = false;
  call.on("data", (request: ServerReflectionRequest) => {
    if (refused) return;
    const messageResponse = answer(request);
    if (messageResponse === undefined) {
      refused = true;
      const details =
        "the reflection request names no question: set one of file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type or list_services";
      call.emit(
        "error",
        Object.assign(new Error(details), { code: status.INVALID_ARGUMENT, details }),
      );
      return;
    }
    const response: ServerReflectionResponse = {
      validHost: request.host,
      originalRequest: request,
      messageResponse,
    };
    // A client that asks without reading waits for its answers: nothing piles up here.
    if (!call.write(response)) {
      call.pause();
      call.once("drain", () => call.resume());
    }
  });
  call.on("end", () => {
    if (!refused) call.end();
  });
  call.on("error", () => {});
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

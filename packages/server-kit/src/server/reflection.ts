import {
  type ServerReflectionRequest,
  type ServerReflectionResponse,
  type ServerReflectionServer,
  ServerReflectionService,
} from "@fibchat/contracts/grpc/reflection/v1";
import { ServerReflectionService as ServerReflectionV1AlphaService } from "@fibchat/contracts/grpc/reflection/v1alpha";
import { type Server, status } from "@grpc/grpc-js";

type ReflectionCall = Parameters<ServerReflectionServer["serverReflectionInfo"]>[0];

/**
 * Serves gRPC server reflection (`grpc.reflection.v1`, and `v1alpha` for older tools; the same
 * messages) from the descriptor set `@fibchat/contracts` ships, answering as grpc-go's reflection
 * does (see `answerReflection`). `services` are the services this server answers, which
 * `list_services` names. The descriptor set is read with the first reflection stream, not at
 * start.
 */
export function addReflection(
  server: Pick<Server, "addService">,
  services: readonly string[],
): void {
  const implementation: ServerReflectionServer = {
    serverReflectionInfo: (call) => serveReflection(call, services),
  };
  server.addService(ServerReflectionService, implementation);
  server.addService(ServerReflectionV1AlphaService, implementation);
}

const NOTHING_ASKED =
  "the reflection request names no question: set one of file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type or list_services";

function serveReflection(call: ReflectionCall, services: readonly string[]): void {
  const answers = import("./reflection-answers.js");
  // Files sent on this stream: an import already sent is not sent again (grpc-go does the same).
  const sent = new Set<string>();
  let refused = false;
  const refuse = (code: status, details: string) => {
    if (refused) return;
    refused = true;
    call.emit("error", Object.assign(new Error(details), { code, details }));
  };
  const respond = (
    { answerReflection }: Awaited<typeof answers>,
    request: ServerReflectionRequest,
  ) => {
    if (refused) return;
    const messageResponse = answerReflection(request, services, sent);
    if (messageResponse === undefined) return refuse(status.INVALID_ARGUMENT, NOTHING_ASKED);
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
  };
  const failed = () => refuse(status.INTERNAL, "reflection could not answer this request");
  // Answers go out in the order asked: each waits for the one before it (and, the first, for
  // the answers' module to load).
  let answered: Promise<void> = Promise.resolve();
  call.on("data", (request: ServerReflectionRequest) => {
    answered = answered
      .then(() => answers.then((loaded) => respond(loaded, request)))
      .catch(failed);
  });
  call.on("end", () => {
    answered = answered.then(() => {
      if (!refused) call.end();
    });
  });
  call.on("error", () => {});
}

import {
  type ServerReflectionRequest,
  type ServerReflectionResponse,
  type ServerReflectionServer,
  ServerReflectionService,
} from "@fibchat/contracts/grpc/reflection/v1";
import { ServerReflectionService as ServerReflectionV1AlphaService } from "@fibchat/contracts/grpc/reflection/v1alpha";
import { type Server, status } from "@grpc/grpc-js";

type ReflectionCall = Parameters<ServerReflectionServer["serverReflectionInfo"]>[0];
type ReflectionAnswers = typeof import("./reflection-answers.js");

let answersModule: Promise<ReflectionAnswers> | undefined;

/** The answers' module, imported once, with the first reflection stream. */
function loadAnswers(): Promise<ReflectionAnswers> {
  if (answersModule === undefined) {
    answersModule = import("./reflection-answers.js");
    // Handled here too: a failed import must fail reflection streams, not the process (an
    // unhandled rejection) when no stream has a request waiting on it yet.
    answersModule.catch(() => {});
  }
  return answersModule;
}

/**
 * Serves gRPC server reflection (`grpc.reflection.v1`, and `v1alpha` for older tools; the same
 * messages) from the descriptor set `@fibchat/contracts` ships, answering as grpc-go's reflection
 * does (see `answerReflection`). `services` are the services this server answers, which
 * `list_services` names. The descriptor set is read with the first reflection stream, not at
 * start. `onError` hears of a failure to answer (the client gets `INTERNAL` without its details).
 */
export function addReflection(
  server: Pick<Server, "addService">,
  services: readonly string[],
  onError: (error: unknown) => void,
): void {
  const implementation: ServerReflectionServer = {
    serverReflectionInfo: (call) => serveReflection(call, services, onError),
  };
  server.addService(ServerReflectionService, implementation);
  server.addService(ServerReflectionV1AlphaService, implementation);
}

const NOTHING_ASKED =
  "the reflection request names no question: set one of file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type or list_services";

function serveReflection(
  call: ReflectionCall,
  services: readonly string[],
  onError: (error: unknown) => void,
): void {
  const answers = loadAnswers();
  // Files sent on this stream: an import already sent is not sent again (grpc-go does the same).
  const sent = new Set<string>();
  let refused = false;
  const refuse = (code: status, details: string) => {
    if (refused) return;
    refused = true;
    call.emit("error", Object.assign(new Error(details), { code, details }));
  };
  const respond = ({ answerReflection }: ReflectionAnswers, request: ServerReflectionRequest) => {
    if (refused) return;
    const messageResponse = answerReflection(request, services, sent);
    if (messageResponse === undefined) return refuse(status.INVALID_ARGUMENT, NOTHING_ASKED);
    const response: ServerReflectionResponse = {
      validHost: request.host,
      originalRequest: request,
      messageResponse,
    };
    // The next request is read once this answer is on its way: a client that asks without
    // reading waits for its answers, and nothing piles up here.
    if (call.write(response)) call.resume();
    else call.once("drain", () => call.resume());
  };
  const failed = (error: unknown) => {
    onError(error);
    refuse(status.INTERNAL, "reflection could not answer this request");
  };
  // One request at a time, answered in the order asked: the stream stays paused until the
  // request's answer is written (the first also waits for the answers' module to load).
  let answered: Promise<void> = Promise.resolve();
  call.on("data", (request: ServerReflectionRequest) => {
    call.pause();
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

import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import {
  type FibonacciServiceServer,
  FibonacciServiceService,
} from "@fibchat/contracts/fibonacci/v1";
import {
  ServerReflectionClient,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from "@fibchat/contracts/grpc/reflection/v1";
import { ServerReflectionClient as ServerReflectionV1AlphaClient } from "@fibchat/contracts/grpc/reflection/v1alpha";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unary } from "../adapter/handlers.js";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";

type Question = ServerReflectionRequest["messageRequest"];

/**
 * Asks `questions` in order on one reflection stream (each answer before the next question), and
 * resolves with the answers, or rejects with the stream's error status.
 */
async function ask(
  client: ServerReflectionClient,
  questions: readonly Question[],
): Promise<ServerReflectionResponse["messageResponse"][]> {
  const call = client.serverReflectionInfo();
  const answers: ServerReflectionResponse["messageResponse"][] = [];
  const failed = new Promise<never>((_, reject) => call.on("error", reject));
  for (const messageRequest of questions) {
    const answer = new Promise<ServerReflectionResponse>((resolve) => call.once("data", resolve));
    call.write({ host: "test-host", messageRequest });
    const response = await Promise.race([answer, failed]);
    expect(response.validHost).toBe("test-host");
    expect(response.originalRequest?.messageRequest).toEqual(messageRequest);
    answers.push(response.messageResponse);
  }
  call.end();
  return answers;
}

/** The file names of a `fileDescriptorResponse`, in the order sent. */
function fileNames(answer: ServerReflectionResponse["messageResponse"]): string[] {
  if (answer?.$case !== "fileDescriptorResponse") throw new Error(`got ${answer?.$case}`);
  return answer.value.fileDescriptorProto.map(
    (bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name,
  );
}

describe("reflection", () => {
  let started: TestApp;
  let client: ServerReflectionClient;
  beforeAll(async () => {
    started = await startApp((app) => {
      const fibonacci: FibonacciServiceServer = {
        getSequence: unary(async () => ({ numbers: [] }), app.runtime),
        streamSequence: (call) => call.end(),
      };
      app.addService(FibonacciServiceService, fibonacci);
    });
    client = new ServerReflectionClient(started.address, insecure);
  });
  afterAll(async () => {
    client.close();
    await started.app.shutdown();
  });

  // First in this file, so that its questions arrive while the answers' module is still loading.
  it("answers questions sent all at once, before any answer, in order, then ends", async () => {
    const call = client.serverReflectionInfo();
    const answers: string[] = [];
    call.on("data", (response: ServerReflectionResponse) =>
      answers.push(response.originalRequest?.messageRequest?.$case ?? "?"),
    );
    const ended = new Promise<void>((resolve, reject) => {
      call.on("end", resolve);
      call.on("error", reject);
    });
    call.write({
      host: "",
      messageRequest: { $case: "fileByFilename", value: "chat/v1/chat.proto" },
    });
    call.write({ host: "", messageRequest: { $case: "listServices", value: "" } });
    call.write({
      host: "",
      messageRequest: { $case: "allExtensionNumbersOfType", value: "chat.v1.ChatMessage" },
    });
    call.end();
    await ended;
    expect(answers).toEqual(["fileByFilename", "listServices", "allExtensionNumbersOfType"]);
  });

  it("lists the services this server answers, not every service of the contracts", async () => {
    const [answer] = await ask(client, [{ $case: "listServices", value: "" }]);
    if (answer?.$case !== "listServicesResponse") throw new Error(`got ${answer?.$case}`);
    expect(answer.value.service.map(({ name }) => name)).toEqual([
      "fibonacci.v1.FibonacciService",
      "grpc.health.v1.Health",
    ]);
  });

  it("finds the file of a service, method, message, field and enum value, with its imports once per stream", async () => {
    const answers = await ask(client, [
      { $case: "fileContainingSymbol", value: "fibonacci.v1.FibonacciService" },
      { $case: "fileContainingSymbol", value: "fibonacci.v1.FibonacciService.GetSequence" },
      { $case: "fileContainingSymbol", value: "fibonacci.v1.GetSequenceRequest.count" },
      { $case: "fileContainingSymbol", value: "chat.v1.ChatMessage" },
      { $case: "fileContainingSymbol", value: "grpc.health.v1.HealthCheckResponse.SERVING" },
      { $case: "fileByFilename", value: "chat/v1/chat.proto" },
    ]);
    expect(answers.map(fileNames)).toEqual([
      ["fibonacci/v1/fibonacci.proto"],
      ["fibonacci/v1/fibonacci.proto"],
      ["fibonacci/v1/fibonacci.proto"],
      // chat.proto imports timestamp.proto: sent with it the first time only.
      ["chat/v1/chat.proto", "google/protobuf/timestamp.proto"],
      ["grpc/health/v1/health.proto"],
      ["chat/v1/chat.proto"],
    ]);
  });

  it("answers what it does not know with NOT_FOUND, and the stream goes on", async () => {
    const answers = await ask(client, [
      { $case: "fileContainingSymbol", value: "fibonacci.v1.NoSuchThing" },
      { $case: "fileByFilename", value: "nope.proto" },
      {
        $case: "fileContainingExtension",
        value: { containingType: "fibonacci.v1.GetSequenceRequest", extensionNumber: 100 },
      },
      { $case: "allExtensionNumbersOfType", value: "fibonacci.v1.GetSequenceRequest" },
      { $case: "allExtensionNumbersOfType", value: "fibonacci.v1.Nope" },
      { $case: "listServices", value: "" },
    ]);
    expect(answers.map((answer) => answer?.$case)).toEqual([
      "errorResponse",
      "errorResponse",
      "errorResponse",
      "allExtensionNumbersResponse",
      "errorResponse",
      "listServicesResponse",
    ]);
    const [first] = answers;
    if (first?.$case !== "errorResponse") throw new Error(`got ${first?.$case}`);
    expect(first.value).toEqual({
      errorCode: status.NOT_FOUND,
      errorMessage:
        "symbol fibonacci.v1.NoSuchThing is not known to this server; list_services names what it serves",
    });
    expect(answers[3]).toEqual({
      $case: "allExtensionNumbersResponse",
      value: { baseTypeName: "fibonacci.v1.GetSequenceRequest", extensionNumber: [] },
    });
  });

  it("ends a stream whose request asks nothing with INVALID_ARGUMENT", async () => {
    const error = await ask(client, [undefined]).then(
      () => undefined,
      (failure: ServiceError) => failure,
    );
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/names no question: set one of file_by_filename/);
  });

  it("serves v1alpha, for older tools, with the same answers", async () => {
    const alpha = new ServerReflectionV1AlphaClient(started.address, insecure);
    try {
      const [answer] = await ask(alpha, [
        { $case: "fileContainingSymbol", value: "fibonacci.v1.FibonacciService" },
      ]);
      expect(fileNames(answer)).toEqual(["fibonacci/v1/fibonacci.proto"]);
    } finally {
      alpha.close();
    }
  });
});

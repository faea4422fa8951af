import { ChatServiceService, type GetStatsRequest } from "@fibchat/contracts/chat/v1";
import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { HealthCheckResponse } from "@fibchat/contracts/grpc/health/v1";
import { type ServiceDefinition, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { unary } from "../adapter/handlers.js";
import { RpcError } from "../rpc-error.js";
import { startApp, type TestApp } from "../test-support/start-app.js";
import { rawStream, rawUnary } from "../testing/raw-call.js";
import { INVALID_UTF8, wire } from "../testing/wire-bytes.js";
import { strictService } from "./strict-service.js";

const HEALTH_CHECK = "/grpc.health.v1.Health/Check";
const GET_STATS = "/chat.v1.ChatService/GetStats";

function expectInvalidUtf8(error: { code: number; details: string } | null, field: string) {
  expect(error?.code).toBe(status.INVALID_ARGUMENT);
  expect(error?.details).toBe(
    `request field ${field} is not valid UTF-8 (proto3 strings must be UTF-8); send the text UTF-8 encoded`,
  );
}

describe("strict decoding on a server app", () => {
  let started: TestApp | undefined;
  const received: GetStatsRequest[] = [];
  afterEach(async () => {
    await started?.app.shutdown();
    started = undefined;
    received.length = 0;
  });

  const startWithChat = (overrides: Parameters<typeof startApp>[1] = {}) =>
    startApp((app) => {
      app.addService(ChatServiceService, {
        getStats: unary(async (request: GetStatsRequest) => {
          received.push(request);
          return { messageCount: 0n, roomCount: 0, connectedClients: 0 };
        }, app.runtime),
        getMessages: () => {
          throw new Error("not called");
        },
        sendAndReceiveMessage: () => {
          throw new Error("not called");
        },
      });
    }, overrides);

  for (const { name, bytes } of INVALID_UTF8) {
    it(`refuses ${name} in a health check, and keeps serving`, async () => {
      started = await startApp(() => {});
      const refused = await rawUnary(started.address, HEALTH_CHECK, wire.len(1, bytes));
      expectInvalidUtf8(refused.error, "grpc.health.v1.HealthCheckRequest.service");
      const ok = await rawUnary(started.address, HEALTH_CHECK, wire.len(1, ""));
      expect(ok.error).toBeNull();
      expect(HealthCheckResponse.decode(ok.responses[0] ?? Buffer.alloc(0)).status).toBe(1);
    });
  }

  it("never hands a refused request to the handler, and the access log records the refusal", async () => {
    started = await startWithChat();
    const refused = await rawUnary(started.address, GET_STATS, wire.len(1, [0xed, 0xa0, 0x80]));
    expectInvalidUtf8(refused.error, "chat.v1.GetStatsRequest.room");
    const line = await started.logs.waitFor((l) => l.msg === "rpc finished");
    expect(line).toMatchObject({ method: GET_STATS, code: "INVALID_ARGUMENT" });
    const ok = await rawUnary(started.address, GET_STATS, wire.len(1, "café-☕"));
    expect(ok.error).toBeNull();
    expect(received).toEqual([{ room: "café-☕" }]);
  });

  it("refuses a malformed request with INVALID_ARGUMENT instead of decoding it", async () => {
    started = await startWithChat();
    const refused = await rawUnary(started.address, GET_STATS, [...wire.tag(1, 2), 9, 0x61]);
    expect(refused.error?.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.error?.details).toBe(
      "request is not a well-formed chat.v1.GetStatsRequest (truncated); encode it with a protobuf library",
    );
    expect(received).toEqual([]);
  });

  it("answers UNAUTHENTICATED, not the payload's fault, to a caller without the token", async () => {
    started = await startWithChat({ authToken: "secret" });
    const refused = await rawUnary(started.address, GET_STATS, wire.len(1, [0xff]));
    expect(refused.error?.code).toBe(status.UNAUTHENTICATED);
    expect(received).toEqual([]);
  });

  for (const version of ["v1", "v1alpha"]) {
    it(`refuses invalid UTF-8 on reflection ${version}`, async () => {
      started = await startApp(() => {}, { reflection: true });
      const path = `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`;
      const refused = await rawStream(started.address, path, [wire.len(3, [0xc0, 0xaf])]);
      expectInvalidUtf8(
        refused.error,
        `grpc.reflection.${version}.ServerReflectionRequest.file_by_filename`,
      );
      const ok = await rawStream(started.address, path, [wire.len(7, "")]);
      expect(ok.error).toBeNull();
      expect(ok.responses).toHaveLength(1);
    });
  }

  it("leaves requests without string fields to the decoder, untouched", async () => {
    // GetSequenceRequest holds only numbers: no check runs, and garbage fails as before.
    started = await startApp((app) =>
      app.addService(FibonacciServiceService, {
        getSequence: unary(async () => {
          throw new RpcError(status.FAILED_PRECONDITION, "decoded");
        }, app.runtime),
        streamSequence: () => {
          throw new Error("not called");
        },
      }),
    );
    const path = "/fibonacci.v1.FibonacciService/GetSequence";
    expect((await rawUnary(started.address, path, wire.len(1, [0xff]))).error?.code).toBe(
      status.FAILED_PRECONDITION,
    );
    expect((await rawUnary(started.address, path, [...wire.tag(1, 2), 9])).error?.code).toBe(
      status.INTERNAL,
    );
  });
});

describe("strictService", () => {
  it("refuses a service whose request type it cannot find, rather than serve it unchecked", () => {
    const unknown: ServiceDefinition = {
      ping: { ...ChatServiceService.getStats, path: "/unknown.v1.Pinger/Ping" },
    };
    expect(() => strictService(unknown)).toThrow(
      "cannot check the requests of /unknown.v1.Pinger/Ping for invalid UTF-8",
    );
  });

  it("keeps the deserializer of a method whose request holds no string", () => {
    const strict = strictService(FibonacciServiceService);
    expect(strict.getSequence?.requestDeserialize).toBe(
      FibonacciServiceService.getSequence.requestDeserialize,
    );
    expect(strictService(ChatServiceService).getStats?.requestDeserialize).not.toBe(
      ChatServiceService.getStats.requestDeserialize,
    );
  });
});

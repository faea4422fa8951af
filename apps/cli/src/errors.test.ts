import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  CliError,
  describeRpcError,
  ExitCode,
  isServiceError,
  rpcFailure,
  statusName,
} from "./errors.js";

function serviceError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

const fibonacci = { server: "fibonacci", address: "127.0.0.1:50051" } as const;

describe("describeRpcError", () => {
  it.each([
    {
      error: serviceError(
        status.UNAVAILABLE,
        "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051. Resolution note: ",
      ),
      expected:
        "cannot reach the fibonacci server at 127.0.0.1:50051 (connection refused): start the servers with `pnpm start`",
    },
    {
      error: serviceError(status.INVALID_ARGUMENT, "count 200000 is over the server's limit"),
      expected: "INVALID_ARGUMENT: count 200000 is over the server's limit",
    },
    {
      error: serviceError(
        status.UNAVAILABLE,
        "No connection established. Last error: 80:error:SSL routines:certificate required:rec_layer_s3.c:1601:SSL alert number 116\n. Resolution note: ",
      ),
      expected:
        "UNAVAILABLE: No connection established. Last error: 80:error:SSL routines:certificate required:rec_layer_s3.c:1601:SSL alert number 116",
    },
    { error: serviceError(status.INTERNAL, "  "), expected: "INTERNAL: (no message)" },
  ])("$expected", ({ error, expected }) => {
    expect(describeRpcError(error, fibonacci)).toBe(expected);
  });
});

describe("rpcFailure", () => {
  it("turns a gRPC error into a CliError with exit code 1, keeping the cause", () => {
    const cause = serviceError(status.NOT_FOUND, "no such room");
    const failure = rpcFailure(cause, fibonacci);
    expect(failure).toBeInstanceOf(CliError);
    expect(failure).toMatchObject({
      message: "NOT_FOUND: no such room",
      exitCode: ExitCode.failure,
      cause,
    });
  });

  it("passes a CliError through and explains anything else with the server's name", () => {
    const usage = new CliError("bad", ExitCode.usage);
    expect(rpcFailure(usage, fibonacci)).toBe(usage);
    expect(rpcFailure(new TypeError("boom"), fibonacci).message).toBe(
      "call to the fibonacci server at 127.0.0.1:50051 failed: boom",
    );
  });
});

describe("isServiceError and statusName", () => {
  it("recognise grpc-js errors and name every status code", () => {
    expect(isServiceError(serviceError(status.OK, ""))).toBe(true);
    expect(isServiceError(new Error("plain"))).toBe(false);
    expect(isServiceError({ code: 14, details: "not an Error" })).toBe(false);
    expect(statusName(status.DEADLINE_EXCEEDED)).toBe("DEADLINE_EXCEEDED");
    expect(statusName(99)).toBe("CODE 99");
  });
});

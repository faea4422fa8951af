import { type FibchatError, toFibchatError } from "@fibchat/client";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { CliError, describeFailure, ExitCode, rpcFailure } from "./errors.js";

// What @fibchat/client makes of a grpc-js error from the fibonacci server's address.
function failure(code: status, details: string): FibchatError {
  const error: ServiceError = Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
  return toFibchatError(error, "127.0.0.1:50051");
}

const fibonacci = { server: "fibonacci", address: "127.0.0.1:50051" } as const;

describe("describeFailure", () => {
  it.each([
    {
      error: failure(
        status.UNAVAILABLE,
        "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051. Resolution note: ",
      ),
      expected:
        "cannot reach the fibonacci server at 127.0.0.1:50051 (connection refused): start the servers with `pnpm start`",
    },
    {
      error: failure(status.INVALID_ARGUMENT, "count 200000 is over the server's limit"),
      expected: "INVALID_ARGUMENT: count 200000 is over the server's limit",
    },
    {
      error: failure(
        status.UNAVAILABLE,
        "No connection established. Last error: 80:error:SSL routines:certificate required:rec_layer_s3.c:1601:SSL alert number 116\n. Resolution note: ",
      ),
      expected:
        "UNAVAILABLE: No connection established. Last error: 80:error:SSL routines:certificate required:rec_layer_s3.c:1601:SSL alert number 116",
    },
    { error: failure(status.INTERNAL, "  "), expected: "INTERNAL: (no message)" },
  ])("$expected", ({ error, expected }) => {
    expect(describeFailure(error, fibonacci)).toBe(expected);
  });
});

describe("rpcFailure", () => {
  it("turns a failed call into a CliError with exit code 1, keeping the cause", () => {
    const cause = failure(status.NOT_FOUND, "no such room");
    const explained = rpcFailure(cause, fibonacci);
    expect(explained).toBeInstanceOf(CliError);
    expect(explained).toMatchObject({
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

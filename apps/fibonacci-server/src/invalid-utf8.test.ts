import { INVALID_UTF8, rawUnary, wire } from "@fibchat/server-kit/testing";
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FibonacciFixture,
  getSequence,
  startFibonacci,
} from "./test-support/start-fibonacci.js";

// Issue 12: invalid UTF-8 is refused on every service. Fibonacci's own requests hold only numbers,
// so on this server the health service is the one with a string to check.
describe("the Fibonacci server's health check with invalid UTF-8", () => {
  let fibonacci: FibonacciFixture | undefined;
  afterEach(async () => {
    await fibonacci?.stop();
    fibonacci = undefined;
  });

  it("fails with INVALID_ARGUMENT naming the field, and the server keeps serving", async () => {
    fibonacci = await startFibonacci();
    for (const { name, bytes } of INVALID_UTF8) {
      const { error } = await rawUnary(
        fibonacci.address,
        "/grpc.health.v1.Health/Check",
        wire.len(1, bytes),
      );
      expect(error?.code, name).toBe(status.INVALID_ARGUMENT);
      expect(error?.details, name).toBe(
        "request field grpc.health.v1.HealthCheckRequest.service is not valid UTF-8 (proto3 strings must be UTF-8); send the text UTF-8 encoded",
      );
    }
    const known = await rawUnary(
      fibonacci.address,
      "/grpc.health.v1.Health/Check",
      wire.len(1, "fibonacci.v1.FibonacciService"),
    );
    expect(known.error).toBeNull();
    const { numbers } = await getSequence(fibonacci.client, { start: 10, count: 1 });
    expect(numbers.map((number) => number.value)).toEqual(["55"]);
  });
});

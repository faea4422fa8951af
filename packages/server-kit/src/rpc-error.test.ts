import { status } from "@grpc/grpc-js";
import { expect, it } from "vitest";
import { RETRY_PUSHBACK_TRAILER, RpcError, toPublicStatus } from "./rpc-error.js";

it.each([
  { name: "no trailers", options: {}, trailers: undefined },
  {
    name: "a retry hint",
    options: { retryAfterMs: 12.5 },
    trailers: { [RETRY_PUSHBACK_TRAILER]: ["13"] },
  },
  {
    name: "its own trailers and a retry hint",
    options: { retryAfterMs: 5, trailers: { "fibchat-oldest-id": "42" } },
    trailers: { "fibchat-oldest-id": ["42"], [RETRY_PUSHBACK_TRAILER]: ["5"] },
  },
])("an RpcError with $name sends them as trailers", ({ options, trailers }) => {
  const sent = toPublicStatus(new RpcError(status.OUT_OF_RANGE, "gone", options));
  expect(sent.code).toBe(status.OUT_OF_RANGE);
  expect(sent.details).toBe("gone");
  expect(sent.metadata?.toJSON()).toEqual(trailers);
});

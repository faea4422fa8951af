import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { readDescriptorSet } from "@fibchat/contracts";

/** An rpc by its full service name and method name, as gRPC service configs name them. */
export interface MethodName {
  readonly service: string;
  readonly method: string;
}

/** How the channel retries the rpcs that are safe to retry (gRFC A6, gRPC's retry design). */
export interface RetryOptions {
  /** Calls in all, the first included (2 to 5; grpc-js caps it at 5). Default 4. */
  readonly maxAttempts?: number;
  /** The first backoff, before jitter. Default 100 ms. */
  readonly initialBackoffMs?: number;
  /** The longest backoff. Default 1 s. */
  readonly maxBackoffMs?: number;
}

let cached: readonly MethodName[] | undefined;

/**
 * The rpcs the protos mark `idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT`, read from the
 * descriptor set of `@fibchat/contracts`: the list follows the contract, not a list kept by hand.
 * `SendAndReceiveMessage` is neither (a post stores a message), so it is never retried.
 */
export function retryableMethods(): readonly MethodName[] {
  cached ??= fromBinary(FileDescriptorSetSchema, readDescriptorSet()).file.flatMap((file) =>
    file.service.flatMap((service) =>
      service.method
        .filter((method) => {
          const level = method.options?.idempotencyLevel;
          return (
            level === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
            level === MethodOptions_IdempotencyLevel.IDEMPOTENT
          );
        })
        .map((method) => ({ service: `${file.package}.${service.name}`, method: method.name })),
    ),
  );
  return cached;
}

/**
 * The `methodConfig` of a gRPC service config that retries {@link retryableMethods} on
 * `UNAVAILABLE` only: the one status that says the call did not reach a server that acted on it.
 */
export function retryMethodConfig(options: RetryOptions = {}): object[] {
  const { maxAttempts = 4, initialBackoffMs = 100, maxBackoffMs = 1_000 } = options;
  // grpc-js refuses a service config outside these bounds when the client is created.
  if (!Number.isInteger(maxAttempts) || maxAttempts < 2 || maxAttempts > 5) {
    throw new RangeError(`retries.maxAttempts is ${maxAttempts}: use 2 to 5, or retries: false`);
  }
  for (const [name, ms] of [
    ["initialBackoffMs", initialBackoffMs],
    ["maxBackoffMs", maxBackoffMs],
  ] as const) {
    if (!Number.isInteger(ms) || ms < 1) {
      throw new RangeError(`retries.${name} is ${ms}: use a whole number of milliseconds ≥ 1`);
    }
  }
  return [
    {
      name: retryableMethods(),
      retryPolicy: {
        maxAttempts,
        initialBackoff: `${initialBackoffMs / 1000}s`,
        maxBackoff: `${maxBackoffMs / 1000}s`,
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
      },
    },
  ];
}

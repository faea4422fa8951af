import { createFibonacciClient } from "@fibchat/client";
import type { FibonacciServiceClient, GetSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import type { Metadata, ServiceError } from "@grpc/grpc-js";
import { fibonacciClient, OWN_CONNECTION } from "./clients.js";

/**
 * Which client a Fibonacci load agent calls through: the generated grpc-js client used bare, or
 * `@fibchat/client` with its defaults, or with its retry policy turned off.
 */
export type ClientKind = "grpc-js" | "fibchat" | "fibchat-no-retries";

/** F(start) … F(start + count − 1). */
export interface SequenceRequest {
  readonly start: number;
  readonly count: number;
}

/** The two Fibonacci calls a load agent makes, whichever client makes them. */
export interface SequenceClient {
  /** GetSequence, with `metadata` when given; resolves with how many numbers came back. */
  get(request: SequenceRequest, metadata?: Metadata): Promise<number>;
  /** StreamSequence read to its end; resolves with how many messages came. */
  stream(request: SequenceRequest): Promise<number>;
  close(): void;
}

/** Reads a client kind from an agent flag. */
export function clientKind(value: string): ClientKind {
  if (value === "grpc-js" || value === "fibchat" || value === "fibchat-no-retries") return value;
  throw new Error(`--client=${value}: use grpc-js, fibchat or fibchat-no-retries`);
}

/** A client of `kind` on a connection of its own. */
export function sequenceClient(kind: ClientKind, target: string): SequenceClient {
  if (kind === "grpc-js") return grpcSequenceClient(target);
  return fibchatSequenceClient(target, kind === "fibchat");
}

function fibchatSequenceClient(target: string, retries: boolean): SequenceClient {
  const client = createFibonacciClient(target, {
    channelOptions: OWN_CONNECTION,
    ...(retries ? {} : { retries: false }),
  });
  return {
    get: async (request, metadata) =>
      (await client.getSequence(request, metadata === undefined ? {} : { metadata })).length,
    async stream(request) {
      let messages = 0;
      for await (const _ of client.streamSequence(request)) messages++;
      return messages;
    },
    close: () => client.close(),
  };
}

function grpcSequenceClient(target: string): SequenceClient {
  const client: FibonacciServiceClient = fibonacciClient(target);
  return {
    get: (request, metadata) =>
      new Promise((resolve, reject) => {
        const callback = (error: ServiceError | null, response: GetSequenceResponse) =>
          error ? reject(error) : resolve(response.numbers.length);
        if (metadata === undefined) client.getSequence(request, callback);
        else client.getSequence(request, metadata, callback);
      }),
    stream: (request) =>
      new Promise((resolve, reject) => {
        let messages = 0;
        client
          .streamSequence(request)
          .on("data", () => messages++)
          .on("error", reject)
          .on("end", () => resolve(messages));
      }),
    close: () => client.close(),
  };
}

import type { FibonacciNumber, FibonacciServiceClient } from "@fibchat/contracts/fibonacci/v1";
import { Metadata } from "@grpc/grpc-js";
import { fibonacciClient } from "../agents/clients.js";
import { expectedNumbers } from "./expected-responses.js";
import type { SequenceRequest } from "./load-generator.js";

/** Unary calls made to check a server's answers. */
const UNARY_SAMPLE = 20;

/**
 * h2load counts HTTP 200s, and gRPC errors travel as HTTP 200 too (the status is in the
 * trailers): this checks, with a real grpc-js client, that `UNARY_SAMPLE` GetSequence calls, or
 * one whole StreamSequence, end OK with the right numbers, sending `headers` as h2load did.
 * Returns the problem, or undefined.
 */
export async function verifyResponses(
  target: string,
  request: SequenceRequest,
  method: "unary" | "stream",
  headers: Readonly<Record<string, string>> = {},
): Promise<string | undefined> {
  const client = fibonacciClient(target);
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(headers)) metadata.set(name, value);
  const expected = JSON.stringify(expectedNumbers(request));
  try {
    const answers =
      method === "unary"
        ? await Promise.all(
            Array.from({ length: UNARY_SAMPLE }, () => unary(client, request, metadata)),
          )
        : [await stream(client, request, metadata)];
    const wrong = answers.find((numbers) => JSON.stringify(numbers) !== expected);
    return wrong === undefined ? undefined : `${method} answer differs from F(${request.start}…)`;
  } catch (error) {
    return `${method} call failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    client.close();
  }
}

function unary(client: FibonacciServiceClient, request: SequenceRequest, metadata: Metadata) {
  return new Promise<FibonacciNumber[]>((resolve, reject) =>
    client.getSequence(request, metadata, (error, response) =>
      error ? reject(error) : resolve(response.numbers),
    ),
  );
}

function stream(client: FibonacciServiceClient, request: SequenceRequest, metadata: Metadata) {
  return new Promise<FibonacciNumber[]>((resolve, reject) => {
    const numbers: FibonacciNumber[] = [];
    client
      .streamSequence(request, metadata)
      .on("data", ({ number }: { number?: FibonacciNumber }) => {
        if (number) numbers.push(number);
      })
      .on("error", reject)
      .on("end", () => resolve(numbers));
  });
}

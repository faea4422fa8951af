import {
  FibonacciServiceClient,
  type GetSequenceRequest,
  type GetSequenceResponse,
  type StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import type { ServerApp } from "@fibchat/server-kit";
import { createLogCapture, defaultsOf, type LogCapture } from "@fibchat/server-kit/testing";
import {
  type ChannelCredentials,
  type ClientReadableStream,
  credentials,
  type ServiceError,
} from "@grpc/grpc-js";
import { createFibonacciServer, type FibonacciServerConfig } from "../create-server.js";
import { fibonacciServerOptions } from "../fibonacci-options.js";
import { createFibonacciMetrics, type FibonacciMetrics } from "../fibonacci-service.js";

/** A running in-process Fibonacci server, its client, and what tests inspect. */
export interface FibonacciFixture {
  readonly app: ServerApp;
  readonly address: string;
  readonly client: FibonacciServiceClient;
  readonly logs: LogCapture;
  readonly metrics: FibonacciMetrics;
  /** Closes the client and shuts the server down. */
  stop(): Promise<void>;
}

/** Starts a Fibonacci server on 127.0.0.1:0 with `overrides` on top of the defaults. */
export async function startFibonacci(
  overrides: Partial<FibonacciServerConfig> = {},
  clientCredentials: ChannelCredentials = credentials.createInsecure(),
): Promise<FibonacciFixture> {
  const logs = createLogCapture();
  const metrics = createFibonacciMetrics();
  const config = defaultsOf(fibonacciServerOptions, {
    port: 0,
    shutdownGraceMs: 2_000,
    ...overrides,
  });
  const app = await createFibonacciServer(config, logs.logger, metrics);
  const { address } = await app.listen();
  const client = new FibonacciServiceClient(address, clientCredentials);
  return {
    app,
    address,
    client,
    logs,
    metrics,
    async stop() {
      client.close();
      await app.shutdown();
    },
  };
}

/** `GetSequence` as a promise. */
export function getSequence(
  client: FibonacciServiceClient,
  request: GetSequenceRequest,
): Promise<GetSequenceResponse> {
  return new Promise((resolve, reject) => {
    client.getSequence(request, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** Every message of a server stream, or the error that ended it. */
export function collect(
  stream: ClientReadableStream<StreamSequenceResponse>,
): Promise<StreamSequenceResponse[]> {
  const received: StreamSequenceResponse[] = [];
  return new Promise((resolve, reject) => {
    stream.on("data", (message: StreamSequenceResponse) => received.push(message));
    stream.on("error", reject);
    stream.on("end", () => resolve(received));
  });
}

/** The error a call failed with; fails the test if it succeeded. */
export async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    if (isServiceError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error
  );
}

/** F(0) … F(count − 1) by a plain loop: the independent reference the tests compare against. */
export function referenceSequence(count: number): bigint[] {
  const values: bigint[] = [];
  let [a, b] = [0n, 1n];
  for (let i = 0; i < count; i++) {
    values.push(a);
    [a, b] = [b, a + b];
  }
  return values;
}

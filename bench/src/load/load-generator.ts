import type { ClientKind } from "../agents/sequence-client.js";
import type { LatencySummary } from "../stats/percentiles.js";

/** F(start) … F(start + count − 1): the request every Fibonacci load sends. */
export interface SequenceRequest {
  readonly start: number;
  readonly count: number;
}

/** Closed-loop unary load for a fixed time. */
export interface UnaryLoad {
  readonly request: SequenceRequest;
  /** Calls in flight at any moment. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** The client a grpc-js load agent calls through (h2load speaks HTTP/2 itself). */
  readonly client?: ClientKind;
  /** Metadata sent with every call, e.g. `{ authorization: "Bearer …" }`; none when absent. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Tokens sent as `authorization: Bearer <token>`, the next one on each call, round and round;
   * only where {@link LoadGenerator.rotatesBearerTokens} holds. Overrides an `authorization`
   * in {@link headers}.
   */
  readonly bearerTokens?: readonly string[];
}

/** A fixed number of StreamSequence calls, each read to its end. */
export interface StreamLoad {
  readonly request: SequenceRequest;
  readonly concurrency: number;
  readonly warmupStreams: number;
  readonly streams: number;
  /** The client a grpc-js load agent calls through (h2load speaks HTTP/2 itself). */
  readonly client?: ClientKind;
}

/** What a load run measured. */
export interface LoadResult {
  /** Calls (or whole streams) that completed successfully in the measured part. */
  readonly completed: number;
  readonly seconds: number;
  /** Per call (or per whole stream), in milliseconds. */
  readonly latency: LatencySummary;
  /** Failed calls and wrong answers, one line each; empty when every check passed. */
  readonly problems: readonly string[];
}

/** Generates Fibonacci load against a server: h2load when installed, else grpc-js agents. */
export interface LoadGenerator {
  /** What generated the load, as the report names it. */
  readonly description: string;
  /** Whether {@link UnaryLoad.bearerTokens} is honoured: h2load sends the same headers on every call. */
  readonly rotatesBearerTokens: boolean;
  unary(target: string, load: UnaryLoad): Promise<LoadResult>;
  stream(target: string, load: StreamLoad): Promise<LoadResult>;
}

import type {
  FibonacciNumber,
  FibonacciServiceServer,
  GetSequenceRequest,
  StreamSequenceRequest,
  StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import {
  type AdapterRuntime,
  type CallContext,
  RpcError,
  serverStreaming,
  unary,
} from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { maxGetSequenceResponseBytes } from "./fibonacci/response-size.js";
import { fibonacciSequence, type Term } from "./fibonacci/sequence.js";

/** What the Fibonacci service is allowed to serve. */
export interface FibonacciLimits {
  /** Most numbers in one request. */
  readonly maxCount: number;
  /** Highest index served. */
  readonly maxIndex: number;
  /** Largest response message the server sends (its `--max-send-message-size`). */
  readonly maxResponseBytes: number;
}

/** Counters a test or a metrics endpoint can read. */
export interface FibonacciMetrics {
  /** Numbers computed by `StreamSequence` so far, across all calls. */
  produced: number;
  /** `StreamSequence` calls whose computation is still running. */
  activeStreams: number;
}

/** Dependencies of {@link createFibonacciService}. */
export interface FibonacciServiceDeps {
  readonly limits: FibonacciLimits;
  readonly runtime: AdapterRuntime;
  readonly metrics?: FibonacciMetrics;
}

/** The `fibonacci.v1.FibonacciService` implementation, ready for `server.addService`. */
export function createFibonacciService({
  limits,
  runtime,
  metrics,
}: FibonacciServiceDeps): FibonacciServiceServer {
  const counters = metrics ?? { produced: 0, activeStreams: 0 };

  async function getSequence({ start, count }: GetSequenceRequest) {
    checkRange(start, count, limits);
    const size = maxGetSequenceResponseBytes(start, count);
    if (size > limits.maxResponseBytes) {
      throw new RpcError(
        status.RESOURCE_EXHAUSTED,
        `the response would be up to ${size} bytes, over the server's ${limits.maxResponseBytes}-byte message limit; ` +
          "use StreamSequence (one message per number) or ask for fewer or smaller numbers",
      );
    }
    return { numbers: Array.from(fibonacciSequence(start, count), toMessage) };
  }

  async function* streamSequence(
    { start, count }: StreamSequenceRequest,
    { signal }: CallContext,
  ): AsyncGenerator<StreamSequenceResponse> {
    checkRange(start, count, limits);
    counters.activeStreams++;
    try {
      for (const term of fibonacciSequence(start, count)) {
        // The adapter asks for the next number only once the previous one was written without
        // backpressure, so computation never runs ahead of a slow reader.
        if (signal.aborted) return;
        counters.produced++;
        yield { number: toMessage(term) };
      }
    } finally {
      counters.activeStreams--;
    }
  }

  return {
    getSequence: unary(getSequence, runtime),
    streamSequence: serverStreaming(streamSequence, runtime),
  };
}

function checkRange(start: number, count: number, limits: FibonacciLimits): void {
  if (count > limits.maxCount) {
    throw new RpcError(
      status.INVALID_ARGUMENT,
      `count ${count} is over the server's limit of ${limits.maxCount} (--max-count); ask for fewer numbers and continue from start = ${start + limits.maxCount}`,
    );
  }
  const last = start + Math.max(count, 1) - 1;
  if (last > limits.maxIndex) {
    throw new RpcError(
      status.INVALID_ARGUMENT,
      `the last index requested, ${last} (start + count - 1), is over the server's limit of ${limits.maxIndex} (--max-index); lower start or count`,
    );
  }
}

function toMessage({ index, value }: Term): FibonacciNumber {
  return { index, value: value.toString() };
}

import type {
  FibonacciServiceServer,
  GetSequenceRequest,
  StreamSequenceRequest,
  StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import {
  type AdapterRuntime,
  type CallContext,
  createPerKeyConcurrency,
  RpcError,
  serverStreaming,
  unary,
} from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { pooledSequence } from "./compute/pooled-sequence.js";
import type { SequencePool } from "./compute/sequence-pool.js";
import type { AnswerCache } from "./fibonacci/answer-cache.js";
import { encodedSequence, encodeSequenceResponse } from "./fibonacci/encoded-sequence.js";
import { EncodedSequenceResponse } from "./fibonacci/encoded-sequence-response.js";
import { EncodedTerm } from "./fibonacci/encoded-term.js";
import { maxGetSequenceResponseBytes } from "./fibonacci/response-size.js";

/** What the Fibonacci service is allowed to serve, and how it shares the server among callers. */
export interface FibonacciLimits {
  /** Most numbers in one request. */
  readonly maxCount: number;
  /** Highest index served. */
  readonly maxIndex: number;
  /** Largest response message the server sends (its `--max-send-message-size`). */
  readonly maxResponseBytes: number;
  /** Calls whose last index reaches this are deep: computed on the pool, under a budget. */
  readonly deepIndex: number;
  /** Deep calls one limit key may have open at once. */
  readonly maxDeepCallsPerUser: number;
  /** `StreamSequence` calls one limit key may have open at once. */
  readonly maxStreamsPerUser: number;
  /** Bytes a stream may have written but unsent before it computes more. */
  readonly streamBufferBytes: number;
}

/** Counters a test or a metrics endpoint can read. */
export interface FibonacciMetrics {
  /** Numbers computed by `StreamSequence` so far, across all calls. */
  produced: number;
  /** Numbers returned by `GetSequence` so far, across all calls. */
  returned: number;
  /** `StreamSequence` calls whose computation is still running. */
  activeStreams: number;
  /** Deep calls open now. */
  deepCalls: number;
  /** The most deep calls one limit key has held at once (never above the limit). */
  deepCallsPeakPerUser: number;
  /** Batches computed on the compute threads. */
  pooledBatches: number;
  /** `GetSequence` calls answered from the answer cache. */
  answerCacheHits: number;
  /** Bytes the answer cache holds now (its own accounting, overhead included). */
  answerCacheBytes: number;
  /** Calls refused with `RESOURCE_EXHAUSTED`, by the limit that refused them. */
  readonly refused: { streamsPerUser: number; deepCallsPerUser: number; computeQueue: number };
}

/** Fresh {@link FibonacciMetrics}, all zero. */
export function createFibonacciMetrics(): FibonacciMetrics {
  return {
    produced: 0,
    returned: 0,
    activeStreams: 0,
    deepCalls: 0,
    deepCallsPeakPerUser: 0,
    pooledBatches: 0,
    answerCacheHits: 0,
    answerCacheBytes: 0,
    refused: { streamsPerUser: 0, deepCallsPerUser: 0, computeQueue: 0 },
  };
}

/** Dependencies of {@link createFibonacciService}. */
export interface FibonacciServiceDeps {
  readonly limits: FibonacciLimits;
  readonly runtime: AdapterRuntime;
  /** Where deep calls are computed. */
  readonly pool: SequencePool;
  /** Recent answers of calls below the deep index, by `(start, count)`. */
  readonly answers: AnswerCache;
  readonly metrics?: FibonacciMetrics;
}

/** How long a caller refused for its deep-call budget is told to wait. */
export const DEEP_RETRY_MS = 1_000;

// One batch of a deep call holds at most this many encoded bytes (or one number): small enough
// that a paused or cancelled stream holds little beyond its send buffer (two batches: the one
// being sent and the one computed ahead, about a millisecond of a compute thread each), big
// enough that the hop between threads is rare: at 64 KiB the server spent about a third more
// CPU per byte on the deep stream (bench/results/NOTES.md §7).
const BATCH_BYTES = 256 * 1024;

/** The `fibonacci.v1.FibonacciService` implementation, ready for `server.addService`. */
export function createFibonacciService({
  limits,
  runtime,
  pool,
  answers,
  metrics,
}: FibonacciServiceDeps): FibonacciServiceServer {
  const counters = metrics ?? createFibonacciMetrics();
  const streams = createPerKeyConcurrency(limits.maxStreamsPerUser);
  const deepCalls = createPerKeyConcurrency(limits.maxDeepCallsPerUser);

  const isDeep = (start: number, count: number) =>
    count > 0 && start + count - 1 >= limits.deepIndex;

  /** Takes a deep-call slot for the caller, or refuses with a retry hint. */
  function admitDeep({ limitKey }: CallContext): () => void {
    const release = deepCalls.acquire(limitKey);
    if (release === undefined) {
      counters.refused.deepCallsPerUser++;
      throw new RpcError(
        status.RESOURCE_EXHAUSTED,
        `${deepCalls.limit} deep computations (index ≥ ${limits.deepIndex}) already running for you ` +
          `(--max-deep-calls-per-user); retry in about ${DEEP_RETRY_MS / 1000} s`,
        { retryAfterMs: DEEP_RETRY_MS },
      );
    }
    counters.deepCalls++;
    counters.deepCallsPeakPerUser = Math.max(
      counters.deepCallsPeakPerUser,
      deepCalls.held(limitKey),
    );
    return () => {
      counters.deepCalls--;
      release();
    };
  }

  /**
   * The terms of a call: below the deep index on the event loop, where each costs microseconds
   * (a plain iterable, which saves an await per number), else computed on the pool.
   */
  function terms(
    start: number,
    count: number,
    signal: AbortSignal,
  ): Iterable<EncodedTerm> | AsyncIterable<EncodedTerm> {
    if (!isDeep(start, count)) return encodedSequence(start, count);
    const hooks = {
      batch: () => counters.pooledBatches++,
      full: () => counters.refused.computeQueue++,
    };
    return pooledSequence(pool, start, count, BATCH_BYTES, signal, hooks);
  }

  async function getSequence({ start, count }: GetSequenceRequest, context: CallContext) {
    checkRange(start, count, limits);
    const size = maxGetSequenceResponseBytes(start, count);
    if (size > limits.maxResponseBytes) {
      throw new RpcError(
        status.RESOURCE_EXHAUSTED,
        `the response would be up to ${size} bytes, over the server's ${limits.maxResponseBytes}-byte message limit; ` +
          "use StreamSequence (one message per number) or ask for fewer or smaller numbers",
      );
    }
    if (!isDeep(start, count)) {
      // Microseconds of work on the event loop, written straight into the response's bytes;
      // the same question again is answered with the same bytes.
      counters.returned += count;
      const kept = answers.get(start, count);
      if (kept !== undefined) {
        counters.answerCacheHits++;
        return kept;
      }
      const answer = new EncodedSequenceResponse(encodeSequenceResponse(start, count, size));
      answers.keep(start, count, answer);
      counters.answerCacheBytes = answers.bytes;
      return answer;
    }
    const release = admitDeep(context);
    try {
      const parts: Buffer[] = [];
      for await (const term of terms(start, count, context.signal)) parts.push(term.bytes);
      counters.returned += parts.length;
      return new EncodedSequenceResponse(Buffer.concat(parts));
    } finally {
      release();
    }
  }

  async function* streamSequence(
    { start, count }: StreamSequenceRequest,
    context: CallContext,
  ): AsyncGenerator<StreamSequenceResponse> {
    checkRange(start, count, limits);
    const { signal, limitKey } = context;
    const releaseStream = streams.acquire(limitKey);
    if (releaseStream === undefined) {
      counters.refused.streamsPerUser++;
      throw new RpcError(
        status.RESOURCE_EXHAUSTED,
        `${streams.limit} StreamSequence calls already open for you (--max-streams-per-user); ` +
          "finish or cancel one before opening another",
      );
    }
    try {
      const releaseDeep = isDeep(start, count) ? admitDeep(context) : undefined;
      counters.activeStreams++;
      try {
        // Terms are yielded as they are: each is its own encoded StreamSequenceResponse,
        // which the service's serializer (encoded-fibonacci-service.ts) sends without re-encoding.
        for await (const term of terms(start, count, signal)) {
          if (signal.aborted) return;
          counters.produced++;
          yield term;
        }
      } finally {
        counters.activeStreams--;
        releaseDeep?.();
      }
    } finally {
      releaseStream();
    }
  }

  return {
    getSequence: unary(getSequence, runtime),
    streamSequence: serverStreaming(streamSequence, runtime, {
      sendBuffer: { maxBytes: limits.streamBufferBytes, sizeOf: encodedSizeBound },
    }),
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

/** A `StreamSequenceResponse`'s encoded size, or for one not encoded yet an upper bound of it. */
function encodedSizeBound(message: StreamSequenceResponse): number {
  if (message instanceof EncodedTerm) return message.bytes.length;
  return (message.number?.value.length ?? 0) + 24;
}

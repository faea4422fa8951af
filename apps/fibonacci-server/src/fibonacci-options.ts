import { availableParallelism } from "node:os";
import { type OptionSpec, parsers, serverOptions } from "@fibchat/server-kit";

/** Default port of the Fibonacci server. */
export const DEFAULT_PORT = 50051;

const fibonacciOnly = {
  maxCount: {
    kind: "value",
    flag: "max-count",
    env: "FIBCHAT_FIBONACCI_MAX_COUNT",
    valueName: "N",
    description: "most numbers one request may ask for (count)",
    default: 100_000,
    parse: parsers.integer(1, 2 ** 32 - 1),
  },
  maxIndex: {
    kind: "value",
    flag: "max-index",
    env: "FIBCHAT_FIBONACCI_MAX_INDEX",
    valueName: "N",
    description: "highest index n served (start + count - 1); F(1000000) has 208988 digits",
    default: 1_000_000,
    parse: parsers.integer(0, 2 ** 32 - 1),
  },
  // Fairness (issue 12). A "deep" call is one whose last index is at least --deep-index: its
  // numbers are computed on the compute threads, never on the event loop, and count against the
  // caller's --max-deep-calls-per-user.
  deepIndex: {
    kind: "value",
    flag: "deep-index",
    env: "FIBCHAT_FIBONACCI_DEEP_INDEX",
    valueName: "N",
    // F(20000) has 4180 digits and costs ~0.1 ms to print: below it a whole GetSequence within
    // the 4 MiB message limit stays around 100 ms of event-loop time at worst.
    description: "calls reaching index N or beyond are computed on the compute threads",
    default: 20_000,
    parse: parsers.integer(0, 2 ** 32 - 1),
  },
  maxDeepCallsPerUser: {
    kind: "value",
    flag: "max-deep-calls-per-user",
    env: "FIBCHAT_FIBONACCI_MAX_DEEP_CALLS_PER_USER",
    valueName: "N",
    description: "deep calls one user (or peer address) may have open at once",
    default: 4,
    parse: parsers.integer(1, 2 ** 31 - 1),
  },
  maxStreamsPerUser: {
    kind: "value",
    flag: "max-streams-per-user",
    env: "FIBCHAT_FIBONACCI_MAX_STREAMS_PER_USER",
    valueName: "N",
    description: "StreamSequence calls one user (or peer address) may have open at once",
    default: 100,
    parse: parsers.integer(1, 2 ** 31 - 1),
  },
  computeThreads: {
    kind: "value",
    flag: "compute-threads",
    env: "FIBCHAT_FIBONACCI_COMPUTE_THREADS",
    valueName: "N",
    description: "worker threads computing deep numbers (default: CPUs − 1, at least 1)",
    // One CPU stays with the event loop, which serves every connection.
    default: Math.max(1, availableParallelism() - 1),
    parse: parsers.integer(1, 256),
  },
  computeQueue: {
    kind: "value",
    flag: "compute-queue",
    env: "FIBCHAT_FIBONACCI_COMPUTE_QUEUE",
    valueName: "N",
    description: "deep batches that may wait for a compute thread (more: RESOURCE_EXHAUSTED)",
    default: 256,
    parse: parsers.integer(1, 2 ** 31 - 1),
  },
  streamBufferBytes: {
    kind: "value",
    flag: "stream-buffer-size",
    env: "FIBCHAT_FIBONACCI_STREAM_BUFFER_SIZE",
    valueName: "SIZE",
    description: "a stream computes no further while this much is written but unsent",
    default: 256 * 1024,
    parse: parsers.bytes,
    formatDefault: parsers.formatBytes,
  },
  answerCacheBytes: {
    kind: "value",
    flag: "answer-cache-size",
    env: "FIBCHAT_FIBONACCI_ANSWER_CACHE_SIZE",
    valueName: "SIZE",
    description:
      "memory for recent GetSequence answers below --deep-index, served again as they are; an answer over a sixteenth of it is not kept (0: off)",
    default: 4 * 1024 * 1024,
    parse: (raw: string) => (raw.trim() === "0" ? 0 : parsers.bytes(raw)),
    formatDefault: parsers.formatBytes,
  },
} satisfies Record<string, OptionSpec<number>>;

/** Every option of `fibchat-fibonacci-server`: the common server options and its limits. */
export const fibonacciServerOptions = {
  ...serverOptions("FIBCHAT_FIBONACCI", DEFAULT_PORT),
  ...fibonacciOnly,
};

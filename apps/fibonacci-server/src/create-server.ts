import { type ConfigOf, createServerApp, type Logger, type ServerApp } from "@fibchat/server-kit";

import { createSequencePool } from "./compute/sequence-pool.js";
import { encodedFibonacciService } from "./encoded-fibonacci-service.js";
import { createAnswerCache } from "./fibonacci/answer-cache.js";
import type { fibonacciServerOptions } from "./fibonacci-options.js";
import {
  createFibonacciMetrics,
  createFibonacciService,
  type FibonacciMetrics,
} from "./fibonacci-service.js";

/** The parsed configuration of the Fibonacci server. */
export type FibonacciServerConfig = ConfigOf<typeof fibonacciServerOptions>;

/**
 * Builds (without binding) a Fibonacci server: the service plus health, reflection and the rest.
 * Its compute threads start on the first deep call and are terminated by `shutdown()`. With
 * `--metrics-address`, `metrics` (fresh ones by default) are served as `fibchat_fibonacci_*`.
 */
export async function createFibonacciServer(
  config: FibonacciServerConfig,
  log: Logger,
  metrics: FibonacciMetrics = createFibonacciMetrics(),
): Promise<ServerApp> {
  const pool = createSequencePool(config.computeThreads, config.computeQueue);
  const app = await createServerApp({ config, log, onShutdown: () => pool.close() });
  const limits = {
    maxCount: config.maxCount,
    maxIndex: config.maxIndex,
    maxResponseBytes: config.maxSendMessageBytes,
    deepIndex: config.deepIndex,
    maxDeepCallsPerUser: config.maxDeepCallsPerUser,
    maxStreamsPerUser: config.maxStreamsPerUser,
    streamBufferBytes: config.streamBufferBytes,
  };
  app.addService(
    encodedFibonacciService,
    createFibonacciService({
      limits,
      runtime: app.runtime,
      pool,
      answers: createAnswerCache(config.answerCacheBytes),
      metrics,
    }),
    { getSequence: "fibonacci.read", streamSequence: "fibonacci.read" },
  );
  // prom-client is loaded only for a server that serves metrics.
  if (app.metrics !== undefined)
    (await import("./fibonacci-prometheus.js")).registerFibonacciMetrics(app.metrics, metrics);
  return app;
}

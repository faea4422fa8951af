import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { type ConfigOf, createServerApp, type Logger, type ServerApp } from "@fibchat/server-kit";

import type { fibonacciServerOptions } from "./fibonacci-options.js";
import { createFibonacciService, type FibonacciMetrics } from "./fibonacci-service.js";

/** The parsed configuration of the Fibonacci server. */
export type FibonacciServerConfig = ConfigOf<typeof fibonacciServerOptions>;

/** Builds (without binding) a Fibonacci server: the service plus health, reflection and the rest. */
export function createFibonacciServer(
  config: FibonacciServerConfig,
  log: Logger,
  metrics?: FibonacciMetrics,
): ServerApp {
  const app = createServerApp({ config, log });
  const limits = {
    maxCount: config.maxCount,
    maxIndex: config.maxIndex,
    maxResponseBytes: config.maxSendMessageBytes,
  };
  app.addService(
    FibonacciServiceService,
    createFibonacciService({ limits, runtime: app.runtime, ...(metrics && { metrics }) }),
    { getSequence: "fibonacci.read", streamSequence: "fibonacci.read" },
  );
  return app;
}

import type { ServerInterceptor, ServiceDefinition } from "@grpc/grpc-js";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createGrpcServerMetrics } from "./grpc-server-metrics.js";
import type { MetricsSource } from "./metrics-endpoint.js";
import { metricsInterceptor } from "./metrics-interceptor.js";

/** A server's Prometheus metrics: the registry its own metrics join, and the gRPC set. */
export interface ServerMetrics {
  /** Where a server registers its own (`fibchat_*`) metrics. */
  readonly registry: Registry;
  /** Counts calls; install it as the outermost interceptor so that every refusal is counted. */
  readonly interceptor: ServerInterceptor;
  /** Creates the gRPC series of every method of `definition`, at zero. */
  addService(definition: ServiceDefinition): void;
  /** Everything, in the Prometheus text format. */
  readonly source: MetricsSource;
}

/**
 * Creates a fresh registry with Node's default process metrics (CPU, RSS, heap, event-loop lag,
 * GC) and the standard gRPC server metrics.
 */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const grpc = createGrpcServerMetrics(registry);
  return {
    registry,
    interceptor: metricsInterceptor(grpc),
    addService: (definition) => grpc.addService(definition),
    source: {
      contentType: registry.contentType,
      text: async () => `${await registry.metrics()}\n${grpc.histogramText()}`,
    },
  };
}

import { Counter, Gauge, type Registry } from "prom-client";
import type { FibonacciMetrics } from "./fibonacci-service.js";

/**
 * Exposes the Fibonacci service's counters on `registry` as `fibchat_fibonacci_*` metrics. They
 * are read when Prometheus scrapes (collect callbacks), so serving a call costs nothing more.
 */
export function registerFibonacciMetrics(registry: Registry, metrics: FibonacciMetrics): void {
  const registers = [registry];
  new Counter({
    name: "fibchat_fibonacci_numbers_produced_total",
    help: "Fibonacci numbers sent to clients, by method (GetSequence: in responses that succeeded).",
    labelNames: ["grpc_method"],
    registers,
    collect() {
      this.reset();
      this.inc({ grpc_method: "GetSequence" }, metrics.returned);
      this.inc({ grpc_method: "StreamSequence" }, metrics.produced);
    },
  });
  new Gauge({
    name: "fibchat_fibonacci_streams_active",
    help: "StreamSequence calls whose computation is running now.",
    registers,
    collect() {
      this.set(metrics.activeStreams);
    },
  });
  new Gauge({
    name: "fibchat_fibonacci_deep_calls_active",
    help: "Deep calls (last index at or above --deep-index) running now, on the compute threads.",
    registers,
    collect() {
      this.set(metrics.deepCalls);
    },
  });
  new Counter({
    name: "fibchat_fibonacci_pooled_batches_total",
    help: "Batches of deep calls computed on the compute threads.",
    registers,
    collect() {
      this.reset();
      this.inc(metrics.pooledBatches);
    },
  });
  new Counter({
    name: "fibchat_fibonacci_answer_cache_hits_total",
    help: "GetSequence calls answered from the answer cache (--answer-cache-size).",
    registers,
    collect() {
      this.reset();
      this.inc(metrics.answerCacheHits);
    },
  });
  new Gauge({
    name: "fibchat_fibonacci_answer_cache_bytes",
    help: "Memory the answer cache holds now, by its own count (answers plus per-entry overhead).",
    registers,
    collect() {
      this.set(metrics.answerCacheBytes);
    },
  });
  new Counter({
    name: "fibchat_fibonacci_refused_total",
    help: "Calls refused with RESOURCE_EXHAUSTED, by the limit that refused them.",
    labelNames: ["limit"],
    registers,
    collect() {
      this.reset();
      this.inc({ limit: "streams_per_user" }, metrics.refused.streamsPerUser);
      this.inc({ limit: "deep_calls_per_user" }, metrics.refused.deepCallsPerUser);
      this.inc({ limit: "compute_queue" }, metrics.refused.computeQueue);
    },
  });
}

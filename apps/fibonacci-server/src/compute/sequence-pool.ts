import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BatchRequest, BatchResult } from "./sequence-batch.js";
import { createWorkerPool, type WorkerPool } from "./worker-pool.js";

/** The threads that compute deep Fibonacci numbers off the event loop. */
export type SequencePool = WorkerPool<BatchRequest, BatchResult>;

// The same path from src/compute/*.ts (vitest) and dist/compute/*.js (node): both load the built
// worker, since plain node cannot run a .ts worker. Tests therefore need `pnpm build` first,
// which turbo's `test` task does (dependsOn: build).
const WORKER_URL = new URL("../../dist/compute/fibonacci-worker.js", import.meta.url);

/** Creates the pool of `threads` compute threads with at most `maxQueue` batches waiting. */
export function createSequencePool(threads: number, maxQueue: number): SequencePool {
  if (!existsSync(fileURLToPath(WORKER_URL)))
    throw new Error(
      `the compute worker ${fileURLToPath(WORKER_URL)} is missing; build the package first (pnpm build)`,
    );
  return createWorkerPool({ url: WORKER_URL, threads, maxQueue });
}

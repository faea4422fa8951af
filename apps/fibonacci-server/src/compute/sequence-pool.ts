import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { packageFile } from "@fibchat/server-kit";
import type { BatchRequest, BatchResult } from "./sequence-batch.js";
import { createWorkerPool, type WorkerPool } from "./worker-pool.js";

/** The threads that compute deep Fibonacci numbers off the event loop. */
export type SequencePool = WorkerPool<BatchRequest, BatchResult>;

// The built worker, found from the package's root: this code runs from src/compute/ (vitest) and
// from a chunk of the bundle (dist/chunks/). Plain node cannot run a .ts worker, so tests need
// `pnpm build` first, which turbo's `test` task does (dependsOn: build).
const WORKER_URL = packageFile(import.meta.url, "dist/compute/fibonacci-worker.js");

/** Creates the pool of `threads` compute threads with at most `maxQueue` batches waiting. */
export function createSequencePool(threads: number, maxQueue: number): SequencePool {
  if (!existsSync(fileURLToPath(WORKER_URL)))
    throw new Error(
      `the compute worker ${fileURLToPath(WORKER_URL)} is missing; build the package first (pnpm build)`,
    );
  return createWorkerPool({ url: WORKER_URL, threads, maxQueue });
}

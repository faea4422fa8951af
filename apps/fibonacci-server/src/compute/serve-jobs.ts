import { parentPort } from "node:worker_threads";
import type { JobAnswer } from "./worker-pool.js";

/**
 * The worker side of a {@link WorkerPool}: answers each job posted to this thread with `run`'s
 * result, or with its error's message (the pool fails that job with it).
 */
export function serveJobs<In, Out>(run: (input: In) => Out): void {
  const port = parentPort;
  if (port === null) throw new Error("serveJobs must run in a worker thread");
  port.on("message", (input: In) => {
    let answer: JobAnswer<Out>;
    try {
      answer = { ok: true, value: run(input) };
    } catch (error) {
      answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  });
}

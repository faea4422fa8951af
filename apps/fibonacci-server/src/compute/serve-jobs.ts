import { parentPort, type TransferListItem } from "node:worker_threads";
import type { JobAnswer } from "./worker-pool.js";

/**
 * The worker side of a {@link WorkerPool}: answers each job posted to this thread with `run`'s
 * result, or with its error's message (the pool fails that job with it). What `transferred`
 * names of a result is moved to the pool's thread instead of copied.
 */
export function serveJobs<In, Out>(
  run: (input: In) => Out,
  transferred: (output: Out) => TransferListItem[] = () => [],
): void {
  const port = parentPort;
  if (port === null) throw new Error("serveJobs must run in a worker thread");
  port.on("message", (input: In) => {
    let answer: JobAnswer<Out>;
    let transfer: TransferListItem[] = [];
    try {
      const value = run(input);
      answer = { ok: true, value };
      transfer = transferred(value);
    } catch (error) {
      answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer, transfer);
  });
}

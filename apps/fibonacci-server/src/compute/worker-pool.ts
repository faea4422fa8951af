import { Worker } from "node:worker_threads";

/**
 * A fixed number of worker threads running one module, fed from one bounded FIFO queue. Each
 * thread runs one job at a time. Jobs are meant to be short (a bounded batch): when its signal
 * fires, a queued job is dropped and a running one is not interrupted (its thread finishes the
 * batch, whose answer is discarded); either way its promise rejects at once.
 */
export interface WorkerPool<In, Out> {
  /**
   * Queues `input` for the next free thread: resolves with the worker's answer, rejects with the
   * worker's error or `signal.reason`. Returns `undefined`, queuing nothing, when
   * `maxQueue` jobs already wait.
   */
  tryRun(input: In, signal?: AbortSignal): Promise<Out> | undefined;
  /** Jobs waiting for a thread now. */
  queued(): number;
  /** Terminates every thread and fails every job still queued or running. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** The worker module (built JavaScript); its side calls `serveJobs`. */
  readonly url: URL;
  readonly threads: number;
  readonly maxQueue: number;
}

/** What a worker answers to one job. */
export type JobAnswer<Out> =
  | { readonly ok: true; readonly value: Out }
  | { readonly ok: false; readonly error: string };

interface Job<In, Out> {
  readonly input: In;
  resolve(value: Out): void;
  reject(reason: unknown): void;
}

interface Thread<In, Out> {
  readonly worker: Worker;
  job: Job<In, Out> | undefined;
}

/**
 * Creates a {@link WorkerPool}. Threads start on first use and are `unref`ed, so an idle pool
 * never keeps a process (or a test run) alive; a thread that dies is replaced on next use.
 */
export function createWorkerPool<In, Out>({
  url,
  threads: size,
  maxQueue,
}: WorkerPoolOptions): WorkerPool<In, Out> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`threads must be ≥ 1, got ${size}`);
  const threads: Thread<In, Out>[] = [];
  const queue: Job<In, Out>[] = [];
  let closed = false;

  function dispatch(): void {
    while (queue.length > 0) {
      let thread: Thread<In, Out> | undefined;
      try {
        thread = threads.find((t) => t.job === undefined) ?? spawn();
      } catch (error) {
        // No thread can be started (a missing worker file, no memory): fail what waits now
        // rather than leave it queued forever.
        for (const job of queue.splice(0)) job.reject(error);
        return;
      }
      if (thread === undefined) return;
      const job = queue.shift();
      if (job === undefined) return;
      thread.job = job;
      thread.worker.postMessage(job.input);
    }
  }

  function spawn(): Thread<In, Out> | undefined {
    if (threads.length >= size) return undefined;
    const worker = new Worker(url);
    worker.unref();
    const thread: Thread<In, Out> = { worker, job: undefined };
    threads.push(thread);
    worker.on("message", (answer: JobAnswer<Out>) => {
      const { job } = thread;
      thread.job = undefined;
      if (answer.ok) job?.resolve(answer.value);
      else job?.reject(new Error(answer.error));
      dispatch();
    });
    const lost = (reason: unknown) => {
      const index = threads.indexOf(thread);
      if (index < 0) return;
      threads.splice(index, 1);
      thread.job?.reject(reason);
      thread.job = undefined;
      if (!closed) dispatch();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`compute worker exited with code ${code}`)));
    return thread;
  }

  return {
    tryRun(input, signal) {
      if (closed) return Promise.reject(new Error("the worker pool is closed"));
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (queue.length >= maxQueue) return undefined;
      return new Promise<Out>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(job);
          if (index >= 0) queue.splice(index, 1);
          reject(signal?.reason);
        };
        const job: Job<In, Out> = {
          input,
          resolve(value) {
            signal?.removeEventListener("abort", onAbort);
            resolve(value);
          },
          reject(reason) {
            signal?.removeEventListener("abort", onAbort);
            reject(reason);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        queue.push(job);
        dispatch();
      });
    },
    queued: () => queue.length,
    async close() {
      if (closed) return;
      closed = true;
      const error = new Error("the worker pool is closed");
      for (const job of queue.splice(0)) job.reject(error);
      await Promise.all(
        threads.splice(0).map(({ worker, job }) => {
          job?.reject(error);
          return worker.terminate();
        }),
      );
    },
  };
}

import { writeSync } from "node:fs";
import type { DestinationStream } from "pino";

/** Encoded bytes past which the lines are written at once. */
const FLUSH_AT_BYTES = 32 * 1024;

/** Room for the lines between writes: a line is encoded into it as it comes. */
const BUFFER_BYTES = 64 * 1024;

/** The longest a line waits to be written while fewer than {@link FLUSH_AT_CHARS} are pending. */
export const FLUSH_AFTER_MS = 20;

/** How long to wait before writing again to a full non-blocking pipe (`EAGAIN`). */
const FULL_PIPE_WAIT_MS = 1;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * A pino destination that gathers log lines and writes them with one `write(2)` once 32 KiB are
 * pending or {@link FLUSH_AFTER_MS} after the first of them, instead of one per line: the access
 * log writes a line per call, and at thousands of calls a second the system calls cost more than
 * the lines. Each line is encoded into one reused buffer as it comes, rather than joined into a
 * long string encoded at the write (bench/results/NOTES.md §11).
 *
 * Writes stay synchronous and in order, so nothing is lost on a clean exit: the process's
 * `exit` event (a shutdown on SIGINT or SIGTERM, a fatal error, the end of the program) writes
 * what is pending. Only an abrupt end (`kill -9`, a native crash) can lose lines: at most the
 * last {@link FLUSH_AFTER_MS} ms, and at most 32 KiB of them.
 */
export class BatchedLogDestination implements DestinationStream {
  readonly #fd: number;
  readonly #buffer = Buffer.allocUnsafeSlow(BUFFER_BYTES);
  /** Bytes of {@link #buffer} holding lines not yet written. */
  #used = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #flushLater = () => {
    this.#timer = undefined;
    this.flush();
  };

  /** Writes to file descriptor `fd`; the caller registers {@link flush} for process exit. */
  constructor(fd: number) {
    this.#fd = fd;
  }

  write(line: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: make sure the line fits before encoding.
    if (this.#used + 3 * line.length > BUFFER_BYTES) {
      this.flush();
      if (3 * line.length > BUFFER_BYTES) {
        this.#writeAll(Buffer.from(line, "utf8"));
        return;
      }
    }
    this.#used += this.#buffer.write(line, this.#used, "utf8");
    if (this.#used >= FLUSH_AT_BYTES) this.flush();
    else if (this.#timer === undefined) {
      // Unreferenced: pending lines never keep a process alive; its exit writes them.
      this.#timer = setTimeout(this.#flushLater, FLUSH_AFTER_MS).unref();
    }
  }

  /** Writes every pending line now, waiting out a full pipe. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#used === 0) return;
    const used = this.#used;
    this.#used = 0;
    this.#writeAll(this.#buffer.subarray(0, used));
  }

  #writeAll(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) {
      try {
        written += writeSync(this.#fd, bytes, written);
      } catch (error) {
        // stdout can be a non-blocking pipe (when something in the process opened it as a
        // stream): wait for the reader instead of dropping lines.
        if (!(error instanceof Error && "code" in error && error.code === "EAGAIN")) throw error;
        Atomics.wait(sleeper, 0, 0, FULL_PIPE_WAIT_MS);
      }
    }
  }
}

let stdout: BatchedLogDestination | undefined;

/** The process's one {@link BatchedLogDestination} on stdout, flushed when the process exits. */
export function batchedStdout(): BatchedLogDestination {
  if (stdout === undefined) {
    const destination = new BatchedLogDestination(1);
    process.on("exit", () => destination.flush());
    stdout = destination;
  }
  return stdout;
}

import { writeSync } from "node:fs";
import type { DestinationStream } from "pino";

/** Encoded bytes past which the lines are written at once. */
const FLUSH_AT_BYTES = 32 * 1024;

/** Room for the lines between writes: a line is encoded into it as it comes. */
const BUFFER_BYTES = 64 * 1024;

/** How long to wait before writing again to a full non-blocking pipe (`EAGAIN`). */
const FULL_PIPE_WAIT_MS = 1;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * A pino destination that writes each event-loop turn's log lines with one `write(2)` at the end
 * of the turn (`setImmediate`), or at once when 32 KiB are pending, instead of one per line: the
 * access log writes a line per call, and at thousands of calls a second the system calls cost
 * more than the lines. Each line is encoded into one reused buffer as it comes, rather than
 * joined into a long string encoded at the write, which cost more than the write itself
 * (bench/results/NOTES.md §11). A line is never held past its turn: whoever sees the effect of
 * what it reports (a client's answer, a health change) can find it in the log.
 *
 * Writes stay synchronous and in order, so nothing is lost on a clean exit: the process's
 * `exit` event (a shutdown on SIGINT or SIGTERM, a fatal error, the end of the program) writes
 * what is pending. Only an abrupt end (`kill -9`, a native crash) can lose the current turn's
 * lines.
 */
export class BatchedLogDestination implements DestinationStream {
  readonly #fd: number;
  readonly #buffer = Buffer.allocUnsafeSlow(BUFFER_BYTES);
  /** Bytes of {@link #buffer} holding lines not yet written. */
  #used = 0;
  #scheduled = false;
  readonly #flushAtTurnEnd = () => {
    this.#scheduled = false;
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
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAtTurnEnd);
    }
  }

  /** Writes every pending line now, waiting out a full pipe. */
  flush(): void {
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

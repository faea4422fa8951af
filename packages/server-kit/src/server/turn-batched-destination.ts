import { writeSync } from "node:fs";
import type { DestinationStream } from "pino";

/** Pending bytes past which a turn's lines are written at once instead of at its end. */
const FLUSH_AT_CHARS = 64 * 1024;

/** How long to wait before writing again to a full non-blocking pipe (`EAGAIN`). */
const FULL_PIPE_WAIT_MS = 1;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * A pino destination that writes each event-loop turn's log lines with one `write(2)` at the
 * end of the turn (`setImmediate`), instead of one per line: the access log writes a line per
 * call, and at thousands of calls a second the system calls cost more than the lines.
 *
 * Writes stay synchronous and in order, so nothing is lost on a clean exit: the process's
 * `exit` event (a shutdown on SIGINT or SIGTERM, a fatal error, the end of the program) writes
 * what is pending. Only an abrupt end (`kill -9`, a native crash) can lose the current turn's
 * lines; the per-line destination could lose the line being written.
 */
export class TurnBatchedDestination implements DestinationStream {
  readonly #fd: number;
  #pending = "";
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
    this.#pending += line;
    if (this.#pending.length >= FLUSH_AT_CHARS) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAtTurnEnd);
    }
  }

  /** Writes every pending line now, waiting out a full pipe. */
  flush(): void {
    if (this.#pending === "") return;
    const bytes = Buffer.from(this.#pending, "utf8");
    this.#pending = "";
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

let stdout: TurnBatchedDestination | undefined;

/** The process's one {@link TurnBatchedDestination} on stdout, flushed when the process exits. */
export function batchedStdout(): TurnBatchedDestination {
  if (stdout === undefined) {
    const destination = new TurnBatchedDestination(1);
    process.on("exit", () => destination.flush());
    stdout = destination;
  }
  return stdout;
}

import { isatty } from "node:tty";
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "../config/server-options.js";
import { batchedStdout } from "./turn-batched-destination.js";

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly name: string;
  readonly level: LogLevel;
  /**
   * Where lines go; default stdout: human-readable and written line by line when stdout is a
   * terminal, else JSON written once per event-loop turn (`TurnBatchedDestination`).
   */
  readonly destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line (or pretty lines on a TTY). Errors logged under
 * `err` keep their stack here, in the server's log, never on the wire.
 */
export function createLogger({ name, level, destination }: LoggerOptions): Logger {
  const stream =
    destination ?? (isatty(1) ? pretty({ colorize: true, sync: true }) : batchedStdout());
  return pino({ name, level, base: { pid: process.pid } }, stream);
}

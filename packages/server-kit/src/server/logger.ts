import { createRequire } from "node:module";
import { isatty } from "node:tty";
import pino, { type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "../config/server-options.js";
import { batchedStdout } from "./batched-log-destination.js";
import { attachJsonLineWriter, JsonLineWriter } from "./json-line-writer.js";

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly name: string;
  readonly level: LogLevel;
  /**
   * Where lines go; default stdout: human-readable and written line by line when stdout is a
   * terminal, else JSON written in batches (`BatchedLogDestination`).
   */
  readonly destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line (or pretty lines on a TTY). Errors logged under
 * `err` keep their stack here, in the server's log, never on the wire. The access log writes its
 * lines beside it, pre-formatted in the same format (`jsonLineWriterOf`), unless the destination
 * routes lines by level.
 */
export function createLogger({ name, level, destination }: LoggerOptions): Logger {
  const stream =
    destination ?? (isatty(1) ? loadPretty()({ colorize: true, sync: true }) : batchedStdout());
  const base = { pid: process.pid };
  const log = pino({ name, level, base }, stream);
  // A stream that routes lines by level (pino.multistream) learns each line's level from pino
  // as it is written: lines written beside pino would be routed by the previous line's level.
  const routesByLevel =
    pino.symbols.needsMetadataGsym in stream && stream[pino.symbols.needsMetadataGsym] === true;
  if (!routesByLevel) {
    // pino writes the base fields, then the name, after the time.
    const bindings = `,"pid":${base.pid},"name":${JSON.stringify(name)}`;
    attachJsonLineWriter(log, new JsonLineWriter(log, stream, bindings));
  }
  return log;
}

/** pino-pretty, loaded only for a terminal: a server writing JSON never pays for it. */
function loadPretty(): typeof import("pino-pretty") {
  // pino-pretty is CommonJS (`module.exports = build`): `require` loads it synchronously, here,
  // the first time a logger writes to a terminal. In a server's bundle this module's URL is the
  // bundle's, so the server lists pino-pretty among its own dependencies (scripts/bundle-app.mjs).
  return createRequire(import.meta.url)("pino-pretty");
}

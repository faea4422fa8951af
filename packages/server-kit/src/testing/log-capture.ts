import { Writable } from "node:stream";
import type { Logger } from "pino";
import { createLogger } from "../server/logger.js";

/** One parsed JSON log line. */
export type LogLine = Readonly<Record<string, unknown>> & {
  readonly level: number;
  readonly msg?: string;
};

/** A logger whose lines are kept in memory, for tests that assert on what was logged. */
export interface LogCapture {
  readonly logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): readonly LogLine[];
  /** Resolves with the first line (already logged or still to come) that matches. */
  waitFor(predicate: (line: LogLine) => boolean): Promise<LogLine>;
}

/** pino's numeric level of `error`: lines at or above it are errors. */
export const ERROR_LEVEL = 50;

/** Creates a {@link LogCapture} logging at `trace` (everything). */
export function createLogCapture(name = "test"): LogCapture {
  const lines: LogLine[] = [];
  const waiters = new Set<{
    predicate: (line: LogLine) => boolean;
    resolve: (line: LogLine) => void;
  }>();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString("utf8").split("\n")) {
        if (text.trim() === "") continue;
        const line = parseLine(text);
        lines.push(line);
        for (const waiter of waiters) {
          if (waiter.predicate(line)) {
            waiters.delete(waiter);
            waiter.resolve(line);
          }
        }
      }
      callback();
    },
  });
  return {
    logger: createLogger({ name, level: "trace", destination }),
    lines: () => lines,
    waitFor(predicate) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
  };
}

function parseLine(text: string): LogLine {
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    !("level" in parsed) ||
    typeof parsed.level !== "number"
  ) {
    throw new Error(`not a pino log line: ${text}`);
  }
  return { ...parsed, level: parsed.level };
}

import type { DestinationStream, Logger } from "pino";

/** pino's numeric level of `info`. */
const INFO_LEVEL = 30;

/**
 * Writes `info` lines whose fields its caller formatted, to a logger's destination and in the
 * logger's own format: the line pino would write for the same fields but for the time (and the
 * fields' own formatting, `accessLogFields`). For the access log, a line per call: pino's
 * generic serializer (walking an object, escaping each value by its type) cost more than the rest
 * of the log but the write (bench/results/NOTES.md §12), where a template of known fields costs
 * a fraction of it.
 */
export class JsonLineWriter {
  readonly #log: Logger;
  readonly #destination: DestinationStream;
  /** What pino writes after the time: the logger's bindings (`,"pid":…,"name":"…"`). */
  readonly #bindings: string;

  constructor(log: Logger, destination: DestinationStream, bindings: string) {
    this.#log = log;
    this.#destination = destination;
    this.#bindings = bindings;
  }

  /**
   * Writes one `info` line (when the logger's level lets it through) with `fields`, a JSON
   * object's members each ending with a comma (`"method":"/a.B/C","code":"OK",`), and
   * `message`, the `msg` as a JSON string literal.
   */
  info(fields: string, message: string): void {
    if (!this.#log.isLevelEnabled("info")) return;
    this.#destination.write(
      `{"level":${INFO_LEVEL},"time":${Date.now()}${this.#bindings},${fields}"msg":${message}}\n`,
    );
  }
}

const writers = new WeakMap<Logger, JsonLineWriter>();

/** Records `writer` as the way to write pre-formatted lines beside `log` (see `createLogger`). */
export function attachJsonLineWriter(log: Logger, writer: JsonLineWriter): void {
  writers.set(log, writer);
}

/**
 * A writer for pre-formatted `info` lines of `log`: the one `createLogger` attached, or, for a
 * pino logger made elsewhere (whose options and bindings this cannot know) or one writing to a
 * stream that routes lines by level, one that parses the fields back and logs them through pino:
 * correct, at pino's cost.
 */
export function jsonLineWriterOf(log: Logger): Pick<JsonLineWriter, "info"> {
  return (
    writers.get(log) ?? {
      info(fields, message) {
        const parsed: unknown = JSON.parse(`{${fields.slice(0, -1)}}`);
        const text: unknown = JSON.parse(message);
        if (typeof parsed === "object" && parsed !== null && typeof text === "string") {
          log.info(parsed, text);
        }
      },
    }
  );
}

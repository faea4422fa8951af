/** A JSON value as `--json` writes it: no numbers, because every number is printed as a string. */
export type JsonValue =
  | string
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** One line of `--json` output. */
export type JsonRecord = { readonly [key: string]: JsonValue };

/** Where results go: stdout, and nothing else ever goes there. */
export interface Output {
  /** True with `--json`: one JSON object per result line, for `jq`. */
  readonly json: boolean;
  /**
   * Writes one result, as `text` or as `record` with `--json`. Resolves once the stream can take
   * more, so a fast producer (a stream of numbers) follows the reader's pace (`| less`).
   */
  result(text: string, record: JsonRecord): Promise<void>;
  /** The write error that is not a closed pipe (a full disk), if one happened. */
  readonly failure: Error | undefined;
}

/** The stream side of {@link Output}: what `process.stdout` offers. */
export interface OutputStream {
  write(chunk: string): boolean;
  once(event: "drain" | "close" | "error", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "drain" | "close" | "error", listener: () => void): unknown;
}

/**
 * Creates the {@link Output} over `stream`. When the reader goes away (EPIPE, as with `| head`)
 * it calls `onClosed` once and drops later results quietly; any other write error also calls
 * `onClosed` and is kept in `failure` so the CLI can report it.
 */
export function createOutput(
  stream: OutputStream,
  options: { readonly json: boolean; readonly onClosed: () => void },
): Output {
  let closed = false;
  let failure: Error | undefined;
  stream.on("error", (error) => {
    if (closed) return;
    closed = true;
    if (!isBrokenPipe(error)) failure = error;
    options.onClosed();
  });

  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("close", done);
        stream.off("error", done);
        resolve();
      };
      stream.once("drain", done);
      stream.once("close", done);
      stream.once("error", done);
    });

  return {
    json: options.json,
    get failure() {
      return failure;
    },
    async result(text, record) {
      if (closed) return;
      const line = options.json ? JSON.stringify(record) : text;
      if (!stream.write(`${line}\n`)) await drained();
    },
  };
}

function isBrokenPipe(error: Error): boolean {
  return "code" in error && error.code === "EPIPE";
}

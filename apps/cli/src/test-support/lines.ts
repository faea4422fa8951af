import type { Readable } from "node:stream";

/** Everything a child wrote on one stream so far. */
export interface Captured {
  text(): string;
  /** The complete lines (those ended by a newline). */
  lines(): string[];
}

/** Collects `stream` as it is written, so a test can poll what arrived so far. */
export function capture(stream: Readable): Captured {
  let text = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: unknown) => {
    text += String(chunk);
  });
  return {
    text: () => text,
    lines: () => text.split("\n").slice(0, -1),
  };
}

import { styleText } from "node:util";

/** The few looks the CLI uses; each returns the text unchanged when colour is off. */
export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  /** Other people's names in chat. */
  name(text: string): string;
  /** Your own name in chat. */
  self(text: string): string;
  good(text: string): string;
  bad(text: string): string;
}

/** What decides whether a stream gets colour. */
export interface ColorSettings {
  /** The stream is a terminal (`stream.isTTY`). */
  readonly isTTY: boolean;
  /** `--no-color` was not given. */
  readonly flag: boolean;
  /** The environment, for `NO_COLOR`. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Colour only on a terminal, and never with `--no-color` or a non-empty `NO_COLOR`
 * (https://no-color.org). Node 20's `styleText` does not look at the stream at all, and later
 * versions look only at stdout, so the CLI decides per stream itself.
 */
export function colorEnabled({ isTTY, flag, env }: ColorSettings): boolean {
  const noColor = env.NO_COLOR;
  return isTTY && flag && (noColor === undefined || noColor === "");
}

/** A {@link Style} that paints with `util.styleText` when `enabled`, and is the identity otherwise. */
export function createStyle(enabled: boolean): Style {
  const paint =
    (format: Parameters<typeof styleText>[0]) =>
    (text: string): string =>
      enabled ? styleText(format, text, { validateStream: false }) : text;
  return {
    dim: paint("dim"),
    bold: paint("bold"),
    name: paint(["bold", "cyan"]),
    self: paint(["bold", "green"]),
    good: paint("green"),
    bad: paint("red"),
  };
}

/** Thrown for a bad flag or environment value; the process prints it and exits with code 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * One setting of a server: its flag, its environment variable, its default and how to read it.
 * The same table drives parsing, validation, `--help` and the README's reference.
 */
export interface OptionSpec<T> {
  /** Long flag without dashes, e.g. `port` for `--port`. */
  readonly flag: string;
  /** Environment variable read when the flag is absent. */
  readonly env: string;
  /** What the setting does, for `--help`. */
  readonly description: string;
  /** Placeholder in `--help`, e.g. `PORT`; absent for boolean switches. */
  readonly valueName?: string;
  readonly default: T;
  /** `switch`: `--flag` / `--no-flag`, env `true`/`false`. `value`: takes one argument. */
  readonly kind: "switch" | "value";
  /** Reads a raw flag or env value; throws {@link ConfigError} naming what is wrong. */
  parse(raw: string): T;
  /** How the default reads in `--help`. */
  formatDefault?(value: T): string;
}

/** A table of settings, keyed by the property name the parsed config uses. */
export type OptionTable = Readonly<Record<string, OptionSpec<unknown>>>;

/** The parsed config of a table: each key typed by its option's value type. */
export type ConfigOf<Table extends OptionTable> = {
  readonly [K in keyof Table]: Table[K] extends OptionSpec<infer T> ? T : never;
};

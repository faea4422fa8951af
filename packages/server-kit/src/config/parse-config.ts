import { parseArgs } from "node:util";
import { ConfigError, type ConfigOf, type OptionTable } from "./option.js";

/** The outcome of reading the command line: run with a config, or print help and exit. */
export type ParsedCommandLine<Table extends OptionTable> =
  | { readonly kind: "run"; readonly config: ConfigOf<Table> }
  | { readonly kind: "help" }
  | { readonly kind: "version" };

/**
 * Reads every option of `table` from `argv` (flags win) and `env` (else the default), validating
 * each. Throws {@link ConfigError} naming the flag or variable and what a good value looks like.
 */
export function parseCommandLine<Table extends OptionTable>(
  table: Table,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedCommandLine<Table> {
  const options: Record<string, { type: "string" | "boolean" }> = {
    help: { type: "boolean" },
    version: { type: "boolean" },
  };
  for (const spec of Object.values(table)) {
    options[spec.flag] = { type: spec.kind === "switch" ? "boolean" : "string" };
    if (spec.kind === "switch") options[`no-${spec.flag}`] = { type: "boolean" };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${message}. Run with --help to list the options.`);
  }
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };

  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const flagValue = values[spec.flag];
    const negated = values[`no-${spec.flag}`] === true;
    const envValue = env[spec.env];
    let source: string;
    let raw: string | undefined;
    if (spec.kind === "switch" && (flagValue === true || negated)) {
      source = `--${negated ? "no-" : ""}${spec.flag}`;
      raw = negated ? "false" : "true";
    } else if (typeof flagValue === "string") {
      source = `--${spec.flag}`;
      raw = flagValue;
    } else if (envValue !== undefined && envValue !== "") {
      source = spec.env;
      raw = envValue;
    } else {
      config[key] = spec.default;
      continue;
    }
    try {
      config[key] = spec.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`invalid ${source}: ${reason}`);
    }
  }
  return { kind: "run", config: toConfig(table, config) };
}

// Every key of `table` was assigned a value its own spec produced just above.
function toConfig<Table extends OptionTable>(
  _table: Table,
  config: Record<string, unknown>,
): ConfigOf<Table> {
  return config as ConfigOf<Table>;
}

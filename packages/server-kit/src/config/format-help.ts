import type { OptionSpec, OptionTable } from "./option.js";

/**
 * Renders `--help`: usage, a summary, and for each option its flag, what it does, its
 * environment variable and its default.
 */
export function formatHelp(command: string, summary: string, table: OptionTable): string {
  const entries = Object.values(table).flatMap((spec) => [
    `  ${flagText(spec)}`,
    `      ${spec.description}`,
    `      env ${spec.env}, default ${defaultText(spec)}`,
  ]);
  return [
    `Usage: ${command} [options]`,
    "",
    summary,
    "",
    "Options (a flag wins over its environment variable, which wins over the default):",
    ...entries,
    "  --version",
    "      print the version and exit",
    "  --help",
    "      print this help and exit",
    "",
  ].join("\n");
}

function flagText(spec: OptionSpec<unknown>): string {
  if (spec.kind === "switch") return `--[no-]${spec.flag}`;
  return `--${spec.flag} ${spec.valueName ?? "VALUE"}`;
}

function defaultText(spec: OptionSpec<unknown>): string {
  const shown = spec.formatDefault ? spec.formatDefault(spec.default) : String(spec.default);
  return shown === "" ? "not set" : shown;
}

import type { OptionSpec, OptionTable } from "./option.js";

/** Renders `--help`: usage, a summary, and one entry per option with its env variable and default. */
export function formatHelp(command: string, summary: string, table: OptionTable): string {
  const rows = Object.values(table).map((spec) => [flagText(spec), describe(spec)] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length), "--help".length) + 2;
  const lines = rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return [
    `Usage: ${command} [options]`,
    "",
    summary,
    "",
    "Options (a flag wins over its environment variable, which wins over the default):",
    ...lines,
    `  ${"--version".padEnd(width)}print the version and exit`,
    `  ${"--help".padEnd(width)}print this help and exit`,
    "",
  ].join("\n");
}

function flagText(spec: OptionSpec<unknown>): string {
  if (spec.kind === "switch") return `--[no-]${spec.flag}`;
  return `--${spec.flag} ${spec.valueName ?? "VALUE"}`;
}

function describe(spec: OptionSpec<unknown>): string {
  const shown = spec.formatDefault ? spec.formatDefault(spec.default) : String(spec.default);
  const fallback = shown === "" ? "not set" : shown;
  return `${spec.description} [env ${spec.env}; default ${fallback}]`;
}

import type { ConfigOf, OptionTable } from "../config/option.js";
import { parseCommandLine } from "../config/parse-config.js";

/**
 * The config a server would run with given no flags and no environment, with `overrides`
 * applied: what tests start servers with (usually `{ port: 0 }`).
 */
export function defaultsOf<Table extends OptionTable>(
  table: Table,
  overrides: Partial<ConfigOf<Table>> = {},
): ConfigOf<Table> {
  const parsed = parseCommandLine(table, [], {});
  if (parsed.kind !== "run") throw new Error("parsing no arguments cannot ask for help");
  return { ...parsed.config, ...overrides };
}

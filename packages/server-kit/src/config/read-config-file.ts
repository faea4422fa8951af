import { readFileSync } from "node:fs";
import { ConfigError } from "./option.js";

/** Reads a file a flag names; a missing or unreadable file is a {@link ConfigError} naming both. */
export function readConfigFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot read ${flag} ${path}: ${reason}`);
  }
}

import { readFileSync } from "node:fs";

/**
 * The `version` of `@fibchat/cli`'s package.json, found next to `src/` or `dist/`, or `unknown`
 * when it cannot be read (the CLI still runs).
 */
export function packageVersion(): string {
  try {
    const manifest: unknown = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    );
    if (
      typeof manifest === "object" &&
      manifest !== null &&
      "version" in manifest &&
      typeof manifest.version === "string"
    ) {
      return manifest.version;
    }
  } catch {
    // Fall through: a version is not worth failing a command over.
  }
  return "unknown";
}

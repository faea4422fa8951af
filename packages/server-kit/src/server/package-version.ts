import { readFileSync } from "node:fs";

/**
 * The `version` of the package a module belongs to, for `--version`: reads `../package.json`
 * relative to `moduleUrl` (a module in `src/` or `dist/`).
 */
export function packageVersion(moduleUrl: string): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL("../package.json", moduleUrl), "utf8"));
  if (
    typeof manifest === "object" &&
    manifest !== null &&
    "version" in manifest &&
    typeof manifest.version === "string"
  ) {
    return manifest.version;
  }
  throw new Error(`no version in the package.json next to ${moduleUrl}`);
}

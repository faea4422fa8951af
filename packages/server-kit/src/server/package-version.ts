import { readFileSync } from "node:fs";
import { packageFile } from "./package-root.js";

/** The `version` of the package a module belongs to (see {@link packageFile}), for `--version`. */
export function packageVersion(moduleUrl: string): string {
  const manifestUrl = packageFile(moduleUrl, "package.json");
  const manifest: unknown = JSON.parse(readFileSync(manifestUrl, "utf8"));
  if (
    typeof manifest === "object" &&
    manifest !== null &&
    "version" in manifest &&
    typeof manifest.version === "string"
  ) {
    return manifest.version;
  }
  throw new Error(`no version in ${manifestUrl.pathname}`);
}

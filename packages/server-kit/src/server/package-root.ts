import { existsSync } from "node:fs";

/**
 * The folder of the package a module belongs to: the nearest folder at or above the module's
 * own with a `package.json`. It holds wherever the module's code runs from: `src/` under vitest,
 * or a chunk of a bundle (`dist/chunks/`), where a path relative to the module's own file would
 * not. Throws when no folder above `moduleUrl` has a `package.json`.
 */
export function packageRoot(moduleUrl: string | URL): URL {
  for (let folder = new URL(".", moduleUrl); ; ) {
    if (existsSync(new URL("package.json", folder))) return folder;
    const parent = new URL("..", folder);
    if (parent.href === folder.href) throw new Error(`no package.json above ${moduleUrl}`);
    folder = parent;
  }
}

/**
 * A file of the package `moduleUrl` belongs to, by its path from the package's root: a worker's
 * script (`dist/compute/fibonacci-worker.js`) found the same from sources and from a bundle.
 */
export function packageFile(moduleUrl: string | URL, path: string): URL {
  return new URL(path, packageRoot(moduleUrl));
}

#!/usr/bin/env node
// @ts-check
/**
 * Builds a program of the repository (run from its folder):
 * `node ../../scripts/bundle-app.mjs src/main.ts [src/worker.ts ...]`.
 *
 * Each entry point (the program's `src/main.ts` and the files its worker threads run) is bundled
 * with everything it imports, fibchat's packages and npm dependencies alike, into `dist/` as an
 * ES module at the same path (`src/main.ts` → `dist/main.js`). What a program imports lazily (a
 * store it was not started with, reflection's answers, tracing, metrics) lands in chunks of its
 * own under `dist/chunks/`, so it loads and compiles only what it needs to start. That is why:
 * Node resolves, reads and links every file of an unbundled start one by one (about 220 for the
 * chat server), which cost more than the code in them (bench/results/NOTES.md §13).
 *
 * Type-checking stays with `tsc --noEmit` (the `typecheck` task); esbuild only strips types,
 * which `isolatedModules` and `verbatimModuleSyntax` make safe file by file. Source maps are
 * written beside each file: `node --enable-source-maps` prints TypeScript locations in stack
 * traces, and `pnpm bench`'s profiles map their samples back to the sources with them.
 */
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Packages left in node_modules and loaded from there at run time, each with the bundled module
 * that needs it (from the repository's root), so a program that bundles that module must list the package in its own
 * `dependencies`: libsql is a native addon (loaded by the SQLite store), and server-kit's logger
 * loads pino-pretty with `require` only when it writes to a terminal, which a bundler cannot follow.
 */
const RUNTIME_PACKAGES = {
  libsql: "apps/chat-server/src/store/sqlite/sqlite-connection.ts",
  "pino-pretty": "packages/server-kit/dist/server/logger.js",
};

const entryPoints = process.argv.slice(2);
if (entryPoints.length === 0) {
  console.error("usage: node ../../scripts/bundle-app.mjs src/main.ts [src/worker.ts ...]");
  process.exit(2);
}

/** @type {{ name: string, dependencies?: Record<string, string> }} */
const manifest = JSON.parse(readFileSync("package.json", "utf8"));

rmSync("dist", { recursive: true, force: true });
const result = await build({
  entryPoints,
  outbase: "src",
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
  external: Object.keys(RUNTIME_PACKAGES),
  // The CommonJS packages bundled here (grpc-js, pino) `require` Node's built-in modules; an ES
  // module has no `require`, so each output file makes one (the name is esbuild's to rename).
  banner: {
    js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);',
  },
});

// (Other imports esbuild leaves external are optional ones it cannot resolve, inside a
// try/catch, such as supports-color for debug: they fail at run time as they would unbundled.)
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const inputs = new Set(Object.keys(result.metafile.inputs).map((input) => resolve(input)));
const undeclared = Object.entries(RUNTIME_PACKAGES)
  .filter(([, loader]) => inputs.has(resolve(repoRoot, loader)))
  .map(([name]) => name)
  .filter((name) => manifest.dependencies?.[name] === undefined);
if (undeclared.length > 0) {
  console.error(
    `${manifest.name}: the bundle loads ${undeclared.join(", ")} from node_modules at run time; add ${undeclared.length === 1 ? "it" : "them"} to "dependencies"`,
  );
  process.exit(1);
}

// Entry points with a #! line are the package's bins.
for (const [path, output] of Object.entries(result.metafile.outputs)) {
  if (output.entryPoint !== undefined && readFileSync(path, "utf8").startsWith("#!")) {
    chmodSync(path, 0o755);
  }
}

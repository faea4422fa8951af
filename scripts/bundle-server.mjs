#!/usr/bin/env node
// @ts-check
/**
 * Builds a server app (run from its folder): `node ../../scripts/bundle-server.mjs ENTRY.ts ...`.
 *
 * Each entry point (the server's `src/main.ts` and the files its worker threads run) is bundled
 * with everything it imports, fibchat's packages and npm dependencies alike, into `dist/` as an
 * ES module at the same path (`src/main.ts` → `dist/main.js`). What the server imports lazily
 * (a store it was not started with, reflection's answers, tracing, metrics) lands in chunks of
 * its own under `dist/chunks/`, so a server loads and compiles only what it needs to listen.
 * That is why: Node resolves, reads and links every file of an unbundled start one by one
 * (about 170 files for the chat server), which cost more than its own code (README, Start-up).
 *
 * Type-checking stays with `tsc --noEmit` (the `typecheck` task); esbuild only strips types,
 * which `isolatedModules` and `verbatimModuleSyntax` make safe file by file. Source maps are
 * written beside each file: `node --enable-source-maps` prints TypeScript locations in stack
 * traces, and `pnpm bench`'s profiles map their samples back to the sources with them.
 */
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

/**
 * Packages left in node_modules and loaded from there at run time, so the app must list them in
 * its own `dependencies`: libsql is a native addon, and server-kit's logger loads pino-pretty
 * with `require` only when it writes to a terminal, which a bundler cannot follow.
 */
const RUNTIME_PACKAGES = ["libsql", "pino-pretty"];

const entryPoints = process.argv.slice(2);
if (entryPoints.length === 0) {
  console.error("usage: node ../../scripts/bundle-server.mjs src/main.ts [src/worker.ts ...]");
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
  external: RUNTIME_PACKAGES,
  // The CommonJS packages bundled here (grpc-js, pino) `require` Node's built-in modules; an ES
  // module has no `require`, so each output file makes one (the name is esbuild's to rename).
  banner: {
    js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);',
  },
});

// (Other imports esbuild leaves external are optional ones it cannot resolve, inside a
// try/catch, such as supports-color for debug: they fail at run time as they would unbundled.)
const undeclared = [
  "pino-pretty",
  ...Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => RUNTIME_PACKAGES.includes(i.path)).map((i) => i.path),
  ),
].filter((name) => manifest.dependencies?.[name] === undefined);
if (undeclared.length > 0) {
  console.error(
    `${manifest.name}: the bundle loads ${[...new Set(undeclared)].join(", ")} from node_modules at run time; add ${undeclared.length === 1 ? "it" : "them"} to "dependencies"`,
  );
  process.exit(1);
}

// Entry points with a #! line are the package's bins.
for (const [path, output] of Object.entries(result.metafile.outputs)) {
  if (output.entryPoint !== undefined && readFileSync(path, "utf8").startsWith("#!")) {
    chmodSync(path, 0o755);
  }
}

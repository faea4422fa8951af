#!/usr/bin/env node
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
import { chmodSync, existsSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * Packages left in node_modules and loaded from there at run time, so a program whose bundle
 * uses one must list it in its own `dependencies`. ioredis finds its own package.json through
 * `__dirname` (for `CLIENT SETINFO`), which bundled code has not (the Redis stores load it
 * lazily, so start-up does not pay for the files).
 */
const EXTERNAL = ["ioredis"];

/**
 * Packages loaded with `require` from a path esbuild cannot follow (`createRequire`), so they are
 * never bundled, with the module of the repository that loads them: a program that bundles that
 * module must list the package in its `dependencies`. libsql is a native addon; server-kit's
 * logger loads pino-pretty only when it writes to a terminal.
 */
const LOADED_AT_RUN_TIME = {
  libsql: "apps/chat-server/src/store/sqlite/sqlite-connection.ts",
  "pino-pretty": "packages/server-kit/dist/server/logger.js",
};

/**
 * Optional parts of bundled packages that fibchat never uses, left out so no start parses them:
 * grpc-js loads @grpc/proto-loader (and protobufjs) only for ORCA load reports and channelz.
 */
const NEVER_LOADED = ["@grpc/proto-loader"];

/**
 * Bundled sources that name `__dirname` or `__filename`, which an ES module does not have, on
 * paths fibchat never takes: grpc-js's ORCA and channelz `.proto` files, pino's transports (fibchat
 * writes its own lines), and commander's doc comments. A new one fails the build, as it would
 * throw a `ReferenceError` where it runs, or worse, be caught and ignored (as ioredis did).
 */
const DIRNAME_ALLOWED =
  /\/(?:@grpc\/grpc-js\/src\/(?:orca|channelz)\.ts|pino\/lib\/transport\.js|thread-stream\/index\.js|commander\/lib\/command\.js)$/;

const entryPoints = process.argv.slice(2);
if (entryPoints.length === 0) {
  fail("usage: node ../../scripts/bundle-app.mjs src/main.ts [src/worker.ts ...]");
}
for (const loader of Object.values(LOADED_AT_RUN_TIME)) {
  if (!existsSync(resolve(repoRoot, loader))) {
    fail(`${loader} is gone: update LOADED_AT_RUN_TIME in scripts/bundle-app.mjs`);
  }
}

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
  external: [...EXTERNAL, ...NEVER_LOADED],
  // The CommonJS packages bundled here (grpc-js, pino) `require` Node's built-in modules; an ES
  // module has no `require`, so each output file makes one (the name is esbuild's to rename).
  banner: {
    js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);',
  },
});

/** @type {{ name?: unknown, dependencies?: unknown }} */
const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const dependencies = new Set(
  typeof manifest.dependencies === "object" && manifest.dependencies !== null
    ? Object.keys(manifest.dependencies)
    : [],
);
const outputs = Object.entries(result.metafile.outputs);
const inputs = new Set(Object.keys(result.metafile.inputs).map((input) => resolve(input)));
const undeclared = new Set([
  ...outputs.flatMap(([, output]) =>
    output.imports.filter((i) => EXTERNAL.includes(i.path)).map((i) => i.path),
  ),
  ...Object.entries(LOADED_AT_RUN_TIME)
    .filter(([, loader]) => inputs.has(resolve(repoRoot, loader)))
    .map(([name]) => name),
]);
for (const name of dependencies) undeclared.delete(name);
if (undeclared.size > 0) {
  const names = [...undeclared].join(", ");
  fail(
    `${manifest.name}: the bundle loads ${names} from node_modules at run time; add ${undeclared.size === 1 ? "it" : "them"} to "dependencies"`,
  );
}

const dirnameUses = outputs
  .filter(([path]) => path.endsWith(".js"))
  .flatMap(([path]) => dirnameUsesIn(path))
  .filter((source) => !DIRNAME_ALLOWED.test(source));
if (dirnameUses.length > 0) {
  fail(
    `${manifest.name}: bundled code names __dirname or __filename, which an ES module has not:\n  ${[...new Set(dirnameUses)].join("\n  ")}\nleave its package out of the bundle (EXTERNAL in scripts/bundle-app.mjs) or find the file another way`,
  );
}

// Entry points with a #! line are the package's bins.
for (const [path, output] of outputs) {
  if (output.entryPoint !== undefined && readFileSync(path, "utf8").startsWith("#!")) {
    chmodSync(path, 0o755);
  }
}

/**
 * The source file of each use of `__dirname` or `__filename` in the output at `path`.
 * @param {string} path
 * @returns {string[]}
 */
function dirnameUsesIn(path) {
  const map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")));
  return readFileSync(path, "utf8")
    .split("\n")
    .flatMap((line, index) =>
      [...line.matchAll(/\b__(?:dirname|filename)\b/g)].map((use) => {
        const entry = map.findEntry(index, use.index);
        return "originalSource" in entry ? entry.originalSource : `${path}:${index + 1}`;
      }),
    );
}

/**
 * Prints `message` and ends the build with exit code 1.
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(message);
  process.exit(1);
}

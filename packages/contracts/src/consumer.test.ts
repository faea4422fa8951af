import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Proves the promise "import the generated contracts package from other TypeScript code":
// the packed tarball, installed with @grpc/grpc-js into a project outside the workspace,
// typechecks under strict NodeNext settings and runs under both `import` and `require()`.

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

const snippet = `import { credentials } from "@grpc/grpc-js";
import { descriptorSetPath } from "@fibchat/contracts";
import {
  FibonacciServiceClient,
  FibonacciServiceService,
  GetSequenceRequest,
  type GetSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";

const request: GetSequenceRequest = { count: 20, start: 93 };
const decoded = GetSequenceRequest.decode(GetSequenceRequest.encode(request).finish());
const client = new FibonacciServiceClient("127.0.0.1:1", credentials.createInsecure());
// A wrong field type must be a compile error for consumers too.
// @ts-expect-error count is a number, not a string
const wrong: GetSequenceRequest = { count: "20", start: 0 };
const empty: GetSequenceResponse = { numbers: [] };
console.log(JSON.stringify({
  decoded,
  path: FibonacciServiceService.getSequence.path,
  client: typeof client.getSequence,
  descriptors: descriptorSetPath.endsWith(".binpb"),
  unused: [wrong, empty].length,
}));
client.close();
`;

const cjs = `const { GetSequenceRequest, FibonacciServiceClient } = require("@fibchat/contracts/fibonacci/v1");
const { credentials } = require("@grpc/grpc-js");
const bytes = GetSequenceRequest.encode({ count: 3, start: 7 }).finish();
const client = new FibonacciServiceClient("127.0.0.1:1", credentials.createInsecure());
console.log(JSON.stringify({ decoded: GetSequenceRequest.decode(bytes), client: typeof client.streamSequence }));
client.close();
`;

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    verbatimModuleSyntax: true,
    types: ["node"],
    outDir: "out",
  },
  include: ["main.ts"],
};

describe("a consumer outside the workspace", () => {
  let project = "";

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "fibchat-consumer-"));
    await run("pnpm", ["pack", "--pack-destination", project], { cwd: packageDir });
    const tarball = (await readdir(project)).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${project}`);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await writeFile(join(project, "tsconfig.json"), JSON.stringify(tsconfig));
    await writeFile(join(project, "main.ts"), snippet);
    await writeFile(join(project, "check.cjs"), cjs);
    await run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `./${tarball}`,
        "@grpc/grpc-js@^1.10.9",
        "@types/node@^20",
      ],
      { cwd: project },
    );
  }, 180_000);

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it("typechecks a strict NodeNext snippet against the packed types", async () => {
    await run(process.execPath, [tsc, "-p", "."], { cwd: project });
  }, 180_000);

  it("runs it as ESM", async () => {
    const { stdout } = await run(process.execPath, ["out/main.js"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      decoded: { count: 20, start: 93 },
      path: "/fibonacci.v1.FibonacciService/GetSequence",
      client: "function",
      descriptors: true,
      unused: 2,
    });
  }, 30_000);

  it("loads it with require() from CommonJS", async () => {
    const { stdout } = await run(process.execPath, ["check.cjs"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ decoded: { count: 3, start: 7 }, client: "function" });
  }, 30_000);
});

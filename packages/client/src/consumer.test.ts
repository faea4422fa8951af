import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { SpawnedServer } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChatProcess } from "./test-support/chat-process.js";
import { killProcess, startFibonacciProcess } from "./test-support/fibonacci-process.js";

// Proves "import the client from other TypeScript code": the packed tarballs of
// @fibchat/contracts and @fibchat/client, installed with @grpc/grpc-js into a project outside
// the workspace, typecheck under strict NodeNext settings and talk to the real servers.

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const contractsDir = join(packageDir, "..", "contracts");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

const snippet = `import { createChatClient, createFibonacciClient, FibchatError } from "@fibchat/client";

const fibonacci = createFibonacciClient(process.env.FIB_ADDRESS ?? "");
const chat = createChatClient(process.env.CHAT_ADDRESS ?? "");
// A wrong field type must be a compile error for consumers too.
// @ts-expect-error count is a number, not a string
void fibonacci.getSequence({ count: "3", start: 0 }).catch(() => {});

const numbers = await fibonacci.getSequence({ start: 90, count: 3 });
const streamed: string[] = [];
for await (const n of fibonacci.streamSequence({ start: 100, count: 3 }, { resume: true })) {
  streamed.push(n.value);
}
let refused = "";
try {
  await fibonacci.getSequence({ start: 0, count: 1_000_000 });
} catch (error) {
  if (error instanceof FibchatError) refused = error.code;
}

const session = chat.join({ room: "consumers", author: "ts" });
const posted = await session.post("hello from a consumer");
await session.close();
const read: string[] = [];
for await (const message of chat.messages({ room: "consumers" })) read.push(message.text);
const stats = await chat.stats({ room: "consumers" });

console.log(JSON.stringify({
  numbers: numbers.map((n) => n.value),
  streamed,
  refused,
  postedId: String(posted.message.id),
  read,
  messageCount: String(stats.messageCount),
}));
fibonacci.close();
chat.close();
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

async function pack(dir: string, into: string): Promise<string> {
  const before = new Set(await readdir(into));
  await run("pnpm", ["pack", "--pack-destination", into], { cwd: dir });
  const tarball = (await readdir(into)).find((f) => f.endsWith(".tgz") && !before.has(f));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball of ${dir} into ${into}`);
  return `./${tarball}`;
}

describe("a consumer of @fibchat/client outside the workspace", () => {
  let project = "";
  const servers: SpawnedServer[] = [];

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "fibchat-client-consumer-"));
    const contracts = await pack(contractsDir, project);
    const client = await pack(packageDir, project);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await writeFile(join(project, "tsconfig.json"), JSON.stringify(tsconfig));
    await writeFile(join(project, "main.ts"), snippet);
    // Both tarballs in one install: the client's dependency on @fibchat/contracts 1.0.0 is
    // met by the packed contracts, as a registry would meet it.
    await run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        contracts,
        client,
        "@grpc/grpc-js@^1.10.9",
        "@types/node@^20",
      ],
      { cwd: project },
    );
    servers.push(await startFibonacciProcess());
    servers.push(await startChatProcess(0, ["--store", "memory"]));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map(killProcess));
    if (project) await rm(project, { recursive: true, force: true });
  });

  it("typechecks a strict NodeNext program against the packed types", async () => {
    await run(process.execPath, [tsc, "-p", "."], { cwd: project });
  }, 60_000);

  it("runs it against the real servers", async () => {
    const [fib, chat] = servers;
    const { stdout } = await run(process.execPath, ["out/main.js"], {
      cwd: project,
      env: { ...process.env, FIB_ADDRESS: fib?.address, CHAT_ADDRESS: chat?.address },
    });
    expect(JSON.parse(stdout)).toEqual({
      numbers: ["2880067194370816120", "4660046610375530309", "7540113804746346429"],
      streamed: ["354224848179261915075", "573147844013817084101", "927372692193078999176"],
      refused: "INVALID_ARGUMENT",
      postedId: "1",
      read: ["hello from a consumer"],
      messageCount: "1",
    });
  }, 30_000);
});

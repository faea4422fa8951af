import { execFile } from "node:child_process";
import { chmod } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createProgram } from "./program.js";
import { runCli } from "./run-cli.js";
import { runCli as runBuiltCli } from "./test-support/cli-process.js";
import { closedAddress } from "./test-support/closed-port.js";
import { memoryIo } from "./test-support/memory-io.js";
import { entryPoint, repoRoot } from "./test-support/paths.js";
import { hermeticEnv } from "./test-support/server-process.js";

async function run(...argv: string[]) {
  const { io, stdout, stderr } = memoryIo();
  const code = await runCli(argv, io, { version: "9.9.9" });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("usage errors exit 2 and say what is wrong on stderr, with nothing on stdout", () => {
  it.each([
    { argv: ["fib", "get", "ten"], says: /invalid for argument 'count'.*whole number/ },
    { argv: ["fib", "get", "-1"], says: /invalid for argument 'count'/ },
    { argv: ["fib", "get"], says: /missing required argument 'count'/ },
    { argv: ["fib", "get", "3", "--bogus"], says: /unknown option '--bogus'/ },
    {
      argv: ["fib", "stream", "3", "--start", "1.5"],
      says: /'--start <n>' argument '1.5' is invalid/,
    },
    { argv: ["fibo"], says: /unknown command 'fibo'/ },
    { argv: ["fib", "pull", "3"], says: /unknown command 'pull'/ },
    { argv: ["--timeout", "5", "fib", "get", "1"], says: /add a unit|with a unit/ },
    { argv: ["health", "--service", "redis"], says: /Allowed choices are fibonacci, chat/ },
    { argv: ["chat", "read", "--after", "-3"], says: /unknown option '-3'|invalid/ },
    { argv: ["chat", "send"], says: /missing required argument 'text'/ },
    { argv: ["chat", "stats", "--room", ""], says: /Expected a value/ },
    { argv: [], says: /Usage: fibchat/ },
  ])("$argv", async ({ argv, says }) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(says);
  });

  it("--cert without --key is a usage error found before anything is sent", async () => {
    const result = await run("--cert", "/etc/hostname", "fib", "get", "1");
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toBe(
      "fibchat: --cert and --key go together: give both for mTLS, or neither\n",
    );
  });

  it("an unreadable --ca file is a usage error naming the file", async () => {
    const result = await run("--ca", "/nonexistent/ca.pem", "fib", "get", "1");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^fibchat: cannot read --ca \/nonexistent\/ca\.pem: .*ENOENT/);
  });
});

describe("help and version", () => {
  it("--version prints the package version on stdout", async () => {
    expect(await run("--version")).toEqual({ code: 0, stdout: "9.9.9\n", stderr: "" });
  });

  it("every command has --help with an example, on stdout, exit 0", async () => {
    const program = createProgram({
      version: "0",
      io: memoryIo().io,
      context: () => {
        throw new Error("help must not build a context");
      },
    });
    const paths: string[][] = [[]];
    const walk = (command: typeof program, path: string[]) => {
      for (const sub of command.commands) {
        paths.push([...path, sub.name()]);
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(program, []);
    expect(paths.length).toBeGreaterThanOrEqual(9);
    for (const path of paths) {
      const result = await run(...path, "--help");
      expect(result, path.join(" ")).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout, path.join(" ")).toMatch(/^Usage: fibchat/);
      expect(result.stdout, path.join(" ")).toMatch(/\nExamples:\n(?: {2}\$ .*\n)* {2}\$ fibchat /);
    }
  });
});

describe("the built CLI", () => {
  it("names the address and `pnpm start` in one stderr line when no server listens", async () => {
    const address = await closedAddress();
    for (const argv of [
      ["--fib-address", address, "fib", "get", "3"],
      ["--fib-address", address, "fib", "stream", "3"],
      ["--chat-address", address, "chat", "stats"],
      ["--chat-address", address, "chat", "send", "hello"],
      ["--chat-address", address, "chat", "--name", "bot"],
    ]) {
      const result = await runBuiltCli(argv, { input: "a line to post\n" });
      expect(result.code, argv.join(" ")).toBe(1);
      expect(result.stdout).toBe("");
      const server = argv[0] === "--chat-address" ? "chat" : "fibonacci";
      expect(result.stderr).toBe(
        `fibchat: cannot reach the ${server} server at ${address} (connection refused): start the servers with \`pnpm start\`\n`,
      );
    }
  });

  it("reads the server address from FIBCHAT_FIB_ADDRESS", async () => {
    const address = await closedAddress();
    const result = await runBuiltCli(["fib", "get", "1"], {
      env: { FIBCHAT_FIB_ADDRESS: address },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(address);
  });

  it("exits 2 on a usage error", async () => {
    const result = await runBuiltCli(["fib", "get", "--bogus"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^fibchat: unknown option '--bogus'/);
  });

  it("runs through its bin (the shebang) and as `pnpm fibchat` from the repository root", async () => {
    const run = promisify(execFile);
    const env = hermeticEnv();
    // What a package manager does when it links the bin (the package's build does it too).
    await chmod(entryPoint("cli"), 0o755);
    expect((await run(entryPoint("cli"), ["--version"], { env })).stdout).toMatch(
      /^\d+\.\d+\.\d+\n$/,
    );
    const viaPnpm = await run("pnpm", ["--silent", "fibchat", "fib", "get", "--help"], {
      cwd: repoRoot,
      env,
    });
    expect(viaPnpm.stdout).toMatch(/^Usage: fibchat fib get \[options\] <count>/);
  });
});

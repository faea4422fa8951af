import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";

describe("bearer token auth (servers started with --auth-token)", () => {
  let fibonacci: ServerProcess;
  let chat: ServerProcess;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(["--fib-address", fibonacci.address, "--chat-address", chat.address, ...args], { env });

  beforeAll(async () => {
    [fibonacci, chat] = await Promise.all([
      startServer("fibonacci", ["--auth-token", "s3cret"]),
      startServer("chat", ["--auth-token", "s3cret"]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fibonacci?.stop(), chat?.stop()]);
  });

  it.each([
    ["fib get", ["fib", "get", "3"]],
    ["fib stream", ["fib", "stream", "3"]],
    ["chat send", ["chat", "send", "--room", "auth", "--name", "alice", "hi"]],
    ["chat stats", ["chat", "stats"]],
    ["chat read", ["chat", "read", "--room", "auth"]],
  ])(
    "%s works with --token and fails with exit 1 and UNAUTHENTICATED without it",
    async (_, args) => {
      const allowed = await cli(["--token", "s3cret", ...args]);
      expect(allowed).toMatchObject({ code: 0, stderr: "" });

      const refused = await cli(args);
      expect(refused).toMatchObject({ code: 1, stdout: "" });
      expect(refused.stderr).toMatch(
        /^fibchat: UNAUTHENTICATED: (missing|wrong) bearer token.*\n$/,
      );
    },
  );

  it("reads the token from FIBCHAT_TOKEN, and refuses a wrong one", async () => {
    expect(await cli(["fib", "get", "2"], { FIBCHAT_TOKEN: "s3cret" })).toMatchObject({
      code: 0,
      stdout: "0 0\n1 1\n",
    });
    const wrong = await cli(["fib", "get", "2"], { FIBCHAT_TOKEN: "guess" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^fibchat: UNAUTHENTICATED/);
  });

  it("posts piped lines with a token", async () => {
    const result = await runCli(
      [
        "--chat-address",
        chat.address,
        "--token",
        "s3cret",
        "chat",
        "--room",
        "auth-pipe",
        "--name",
        "bot",
      ],
      { input: "a\nb\n" },
    );
    expect(result).toMatchObject({ code: 0, stdout: "1\n2\n", stderr: "" });
  });
});

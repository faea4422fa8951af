import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test-support/cli-process.js";
import { closedAddress } from "../test-support/closed-port.js";
import { type ServerProcess, startServer } from "../test-support/server-process.js";

describe("fibchat health", () => {
  let fibonacci: ServerProcess;
  let chat: ServerProcess;
  const health = (...args: string[]) =>
    runCli(["--fib-address", fibonacci.address, "--chat-address", chat.address, "health", ...args]);

  beforeAll(async () => {
    // Both require a token for everything but health checks.
    [fibonacci, chat] = await Promise.all([
      startServer("fibonacci", ["--auth-token", "s3cret"]),
      startServer("chat", ["--auth-token", "s3cret"]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fibonacci?.stop(), chat?.stop()]);
  });

  it("checks both servers by default, one line each, exit 0 when both serve (no token needed)", async () => {
    const result = await health();
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout.split("\n")).toEqual([
      `fibonacci  ${fibonacci.address}  SERVING`,
      `chat       ${chat.address}  SERVING`,
      "",
    ]);
  });

  it("--service checks one server; --json names the health service checked", async () => {
    const result = await health("--service", "chat", "--json");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      server: "chat",
      address: chat.address,
      service: "chat.v1.ChatService",
      status: "SERVING",
    });
  });

  it("exits 1 and says why when a server is down, still reporting the one that is up", async () => {
    const down = await closedAddress();
    const result = await runCli([
      "--fib-address",
      fibonacci.address,
      "--chat-address",
      down,
      "health",
      "--json",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("fibchat: not serving: chat\n");
    const [fib, chatLine] = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(fib).toMatchObject({ server: "fibonacci", status: "SERVING" });
    expect(chatLine).toMatchObject({ server: "chat", address: down, status: "UNAVAILABLE" });
    expect(chatLine.error).toContain("pnpm start");
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { entryPoint } from "./test-support/paths.js";
import { waitFor } from "./test-support/poll.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";
import { startTmux, type TmuxSession } from "./test-support/tmux.js";

describe("fibchat against a chat server with --retain-messages 8", () => {
  let server: ServerProcess;
  const terminals: TmuxSession[] = [];
  const chat = (...args: string[]) => runCli(["--chat-address", server.address, "chat", ...args]);

  beforeAll(async () => {
    server = await startServer("chat", ["--retain-messages", "8", "--retention-interval", "10ms"]);
    const history = Array.from({ length: 25 }, (_, index) => `history ${index + 1}\n`).join("");
    const seeded = await runCli(
      ["--chat-address", server.address, "chat", "--room", "kept", "--name", "old"],
      { input: history },
    );
    expect(seeded.code).toBe(0);
    // The server trims in the background every 10 ms: wait until its passes removed 1 … 17.
    await waitFor(
      async () => (await chat("stats", "--room", "kept")).stdout.includes("messages 8\n"),
      { what: "retention to remove messages 1 … 17" },
    );
  });
  afterEach(async () => {
    await Promise.all(terminals.splice(0).map((terminal) => terminal.kill()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("read --after inside the removed range fails (exit 1) naming the oldest kept id", async () => {
    const result = await chat("read", "--room", "kept", "--after", "3");
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: "",
      stderr:
        "fibchat: OUT_OF_RANGE: messages 4…17 of room kept were removed by retention (--retain-messages 8); the oldest kept is #18: read after id 17 (or 0 for every message kept)\n",
    });
  });

  it("read without --after prints the messages kept", async () => {
    const result = await chat("read", "--room", "kept", "--json");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const ids = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line).id);
    expect(ids).toEqual(["18", "19", "20", "21", "22", "23", "24", "25"]);
  });

  it("the chat screen says that retention removed the earlier history, and shows what is kept", async () => {
    const terminal = await startTmux([
      process.execPath,
      entryPoint("cli"),
      "--chat-address",
      server.address,
      "chat",
      "--room",
      "kept",
      "--name",
      "alice",
    ]);
    terminals.push(terminal);
    const screen = await terminal.waitForScreen("the history", (text) =>
      text.includes("old: history 25"),
    );
    expect(screen).toContain(
      "fibchat: messages before #18 were removed by retention; showing from #18",
    );
    expect(screen).toContain("old: history 18\n");
    expect(screen).not.toContain("old: history 17\n");
    await terminal.sendKeys("/quit", "Enter");
    expect(await terminal.exitStatus()).toBe(0);
  });
});

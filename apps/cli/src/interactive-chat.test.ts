import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { entryPoint } from "./test-support/paths.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";
import { startTmux, type TmuxSession } from "./test-support/tmux.js";

describe("fibchat chat on a terminal (driven through tmux)", () => {
  let server: ServerProcess;
  const terminals: TmuxSession[] = [];
  const send = (room: string, name: string, text: string) =>
    runCli([
      "--chat-address",
      server.address,
      "chat",
      "send",
      "--room",
      room,
      "--name",
      name,
      text,
    ]);
  const join = async (room: string, name: string) => {
    const terminal = await startTmux([
      process.execPath,
      entryPoint("cli"),
      "--chat-address",
      server.address,
      "chat",
      "--room",
      room,
      "--name",
      name,
    ]);
    terminals.push(terminal);
    await terminal.waitForScreen("the prompt", (screen) => screen.endsWith(`${name}>`));
    return terminal;
  };
  // The prompt line is the last line of the screen; what is above it is the conversation.
  const lastLine = (screen: string) => screen.slice(screen.lastIndexOf("\n") + 1);

  beforeAll(async () => {
    server = await startServer("chat");
  });
  afterEach(async () => {
    await Promise.all(terminals.splice(0).map((terminal) => terminal.kill()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("shows recent history, posts what is typed, shows others' messages above a half-typed line, and /quit exits 0", async () => {
    const history = Array.from({ length: 25 }, (_, index) => `history ${index + 1}\n`).join("");
    const seeded = await runCli(
      ["--chat-address", server.address, "chat", "--room", "lobby", "--name", "old"],
      { input: history },
    );
    expect(seeded.code).toBe(0);
    const alice = await join("lobby", "alice");

    // The last 20 messages: 6 … 25.
    const joined = await alice.waitForScreen("the history", (screen) =>
      screen.includes("old: history 25"),
    );
    expect(joined).toContain("joined #lobby as alice");
    expect(joined).toContain("old: history 6\n");
    expect(joined).not.toContain("old: history 5\n");

    await alice.sendKeys("hello from alice", "Enter");
    const posted = await alice.waitForScreen("alice's message, acknowledged", (screen) =>
      /\d\d:\d\d:\d\d alice: hello from alice\nalice>$/.test(screen),
    );
    // The typed line was replaced by the stored message, not left as a second copy.
    expect(posted.match(/hello from alice/g)).toHaveLength(1);

    await alice.sendKeys("half typ");
    await alice.waitForScreen(
      "the half-typed line",
      (screen) => lastLine(screen) === "alice> half typ",
    );
    expect((await send("lobby", "bob", "hi alice")).code).toBe(0);
    const interrupted = await alice.waitForScreen("bob's message", (screen) =>
      screen.includes("bob: hi alice"),
    );
    expect(lastLine(interrupted)).toBe("alice> half typ");
    // `chat send` is a session too: bob joins, posts and leaves.
    const bobGone = await alice.waitForScreen("bob leaving", (screen) =>
      screen.includes("bob left"),
    );
    expect(bobGone).toMatch(
      /alice: hello from alice\nbob joined\n\d\d:\d\d:\d\d bob: hi alice\nbob left\nalice> half typ$/,
    );

    // Typing continues where it was: the line is whole.
    await alice.sendKeys("ed", "Enter");
    await alice.waitForScreen("the finished line", (screen) =>
      /alice: half typed\nalice>$/.test(screen),
    );

    await alice.sendKeys("/quit", "Enter");
    expect(await alice.exitStatus()).toBe(0);

    const stored = await runCli([
      "--chat-address",
      server.address,
      "chat",
      "read",
      "--room",
      "lobby",
      "--after",
      "25",
    ]);
    expect(stored.stdout).toMatch(
      /alice: hello from alice\n.*bob: hi alice\n.*alice: half typed\n$/,
    );
  });

  it("shows others joining and leaving, once per person however many sessions, and /who lists who is here", async () => {
    const alice = await join("presence", "alice");
    const bob = await join("presence", "bob");
    await alice.waitForScreen("bob joining", (screen) => screen.includes("bob joined"));
    const bobAgain = await join("presence", "bob");
    await alice.sendKeys("/who", "Enter");
    const who = await alice.waitForScreen("the members", (screen) => screen.includes("here: "));
    expect(who).toContain("here: alice, bob (2 sessions)\nalice>");
    await bob.sendKeys("/quit", "Enter");
    expect(await bob.exitStatus()).toBe(0);
    await bobAgain.sendKeys("/quit", "Enter");
    expect(await bobAgain.exitStatus()).toBe(0);
    const gone = await alice.waitForScreen("bob leaving", (screen) => screen.includes("bob left"));
    expect(gone.match(/bob joined/g)).toHaveLength(1);
    expect(gone.match(/bob left/g)).toHaveLength(1);
    expect(lastLine(gone)).toBe("alice>");
  });

  it("Ctrl-D leaves with exit 0 and Ctrl-C with exit 130", async () => {
    const leaving = await join("exits", "carol");
    await leaving.sendKeys("C-d");
    expect(await leaving.exitStatus()).toBe(0);

    const interrupted = await join("exits", "dave");
    await interrupted.sendKeys("typing", "C-c");
    expect(await interrupted.exitStatus()).toBe(130);
  });
});

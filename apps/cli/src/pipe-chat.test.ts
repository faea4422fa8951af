import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "./test-support/cli-process.js";
import { closedAddress } from "./test-support/closed-port.js";
import { waitFor } from "./test-support/poll.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";

describe("fibchat chat with stdin from a pipe", () => {
  let server: ServerProcess;
  const chat = (input: string, ...args: string[]) =>
    runCli(["--chat-address", server.address, "chat", ...args], { input });
  const stats = async (room: string) => {
    const result = await runCli([
      "--chat-address",
      server.address,
      "chat",
      "stats",
      "--room",
      room,
      "--json",
    ]);
    return JSON.parse(result.stdout);
  };
  const read = async (room: string) => {
    const result = await runCli([
      "--chat-address",
      server.address,
      "chat",
      "read",
      "--room",
      room,
      "--json",
    ]);
    return result.stdout
      .trimEnd()
      .split("\n")
      .map((line): { id: string; author: string; text: string } => JSON.parse(line));
  };

  beforeAll(async () => {
    // `--post-rate 0`: these tests check ids in input order, which pacing by the rate limit may
    // reorder (a line refused for the rate is stored after the next); pacing is tested below.
    server = await startServer("chat", ["--post-rate", "0"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("posts 100 lines, prints 100 ids in input order, exits 0, and the room holds all 100", async () => {
    const texts = Array.from({ length: 100 }, (_, index) => `line ${index + 1} ✓`);
    const result = await chat(`${texts.join("\n")}\n`, "--room", "pipe100", "--name", "bot");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(texts.map((_, index) => `${index + 1}\n`).join(""));

    expect(await stats("pipe100")).toMatchObject({ messageCount: "100", roomCount: "1" });
    const stored = await read("pipe100");
    expect(stored.map(({ text }) => text)).toEqual(texts);
    expect(new Set(stored.map(({ author }) => author))).toEqual(new Set(["bot"]));
  });

  it("skips empty lines, reads CRLF and a last line without a newline, and numbers lines in --json", async () => {
    const result = await chat(
      "first\r\n\r\n\nsecond",
      "--room",
      "pipe-blank",
      "--name",
      "bot",
      "--json",
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const records = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records).toMatchObject([
      { line: "1", id: "1", text: "first", author: "bot", room: "pipe-blank", duplicate: false },
      { line: "4", id: "2", text: "second" },
    ]);
  });

  it("empty input posts nothing and succeeds", async () => {
    expect(await chat("", "--room", "pipe-empty", "--name", "bot")).toMatchObject({
      code: 0,
      stdout: "",
      stderr: "",
    });
  });

  it.each([
    { what: "a control character", bad: "bell \u0001 here", reason: /control character U\+0001/ },
    { what: "more than 4096 bytes", bad: "é".repeat(2049), reason: /text is 4098 bytes of UTF-8/ },
  ])(
    "a line with $what fails the run (exit 1) with the reason; the other lines are stored",
    async ({ bad, reason }) => {
      const room = `pipe-bad-${bad.length}`;
      const result = await chat(`good 1\n${bad}\ngood 2\n`, "--room", room, "--name", "bot");
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("1\n2\n");
      const [rejection, summary, ...rest] = result.stderr.trimEnd().split("\n");
      expect(rejection).toMatch(/^fibchat: line 2 rejected: /);
      expect(rejection).toMatch(reason);
      expect(summary).toBe("fibchat: 1 of 3 lines rejected");
      expect(rest).toEqual([]);
      expect((await read(room)).map(({ text }) => text)).toEqual(["good 1", "good 2"]);
    },
  );

  it("rejoins when the server restarts and resends what was not acknowledged, storing each line once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fibchat-cli-restart-"));
    const port = (await closedAddress()).split(":")[1] ?? "";
    const serverArgs = ["--port", port, "--store", `sqlite:${join(dir, "chat.sqlite")}`];
    let restartable = await startServer("chat", serverArgs);
    try {
      const cli = spawnCli([
        "--chat-address",
        restartable.address,
        "chat",
        "--room",
        "restart",
        "--name",
        "bot",
      ]);
      cli.stdin.write("a1\na2\na3\n");
      await waitFor(() => cli.stdout.lines().length === 3, { what: "the first three acks" });

      // A graceful shutdown ends open sessions with UNAVAILABLE.
      await restartable.stop();
      await waitFor(() => cli.stderr.text().includes("rejoining #restart"), {
        what: "the CLI to notice and rejoin",
        describe: () => cli.stderr.text(),
      });
      // Posted while the server is down: sent again once it is back.
      cli.stdin.write("b1\nb2\n");
      restartable = await startServer("chat", serverArgs);
      cli.stdin.end("b3\n");

      const result = await cli.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe("1\n2\n3\n4\n5\n6\n");
      expect(result.stderr).toMatch(/^fibchat: UNAVAILABLE: .*; rejoining #restart \(1 of 5\)\n/);

      const stored = await runCli([
        "--chat-address",
        restartable.address,
        "chat",
        "read",
        "--room",
        "restart",
        "--json",
      ]);
      const texts = stored.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).text);
      expect(texts).toEqual(["a1", "a2", "a3", "b1", "b2", "b3"]);
    } finally {
      await restartable.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("piping into fibchat chat on a server that limits the post rate", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer("chat", ["--post-rate", "50", "--post-burst", "5"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("waits out the rate limit: every line is stored once, nothing is reported rejected", async () => {
    const texts = Array.from({ length: 60 }, (_, index) => `paced ${index + 1}`);
    const result = await runCli(
      ["--chat-address", server.address, "chat", "--room", "paced", "--name", "bot"],
      { input: `${texts.join("\n")}\n` },
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const ids = result.stdout.trimEnd().split("\n");
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    const read = await runCli([
      "--chat-address",
      server.address,
      "--json",
      "chat",
      "read",
      "--room",
      "paced",
    ]);
    const stored = read.stdout
      .trimEnd()
      .split("\n")
      .map((line): { text: string } => JSON.parse(line));
    expect(stored.map(({ text }) => text).toSorted()).toEqual(texts.toSorted());
  });
});

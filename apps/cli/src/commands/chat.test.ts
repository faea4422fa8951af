import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../test-support/cli-process.js";
import { closedAddress } from "../test-support/closed-port.js";
import { waitFor } from "../test-support/poll.js";
import { type ServerProcess, startServer } from "../test-support/server-process.js";

const LOCAL_TIME = /^#(\d+) \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (\S+): (.*)$/;

describe("fibchat chat send|stats|read, against a real chat server", () => {
  let server: ServerProcess;
  const chat = (...args: string[]) => runCli(["--chat-address", server.address, "chat", ...args]);
  const parse = (stdout: string): Record<string, unknown>[] =>
    stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));

  beforeAll(async () => {
    server = await startServer("chat");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("send posts one message and prints its id; --json prints the stored message", async () => {
    const first = await chat("send", "--room", "send", "--name", "alice", "hello", "there");
    expect(first).toEqual({ code: 0, signal: null, stdout: "1\n", stderr: "" });

    const second = await chat("send", "--room", "send", "--name", "bob", "--json", "hi");
    expect(second).toMatchObject({ code: 0, stderr: "" });
    const [record] = parse(second.stdout);
    expect(record).toMatchObject({
      room: "send",
      id: "2",
      author: "bob",
      text: "hi",
      duplicate: false,
    });
    expect(new Date(String(record?.sentAt)).toISOString()).toBe(record?.sentAt);
  });

  it("send with the same --client-id stores the message once", async () => {
    const args = [
      "send",
      "--room",
      "retry",
      "--name",
      "alice",
      "--client-id",
      "job-7",
      "--json",
      "done",
    ];
    const [first, again] = [
      parse((await chat(...args)).stdout)[0],
      parse((await chat(...args)).stdout)[0],
    ];
    expect(first).toMatchObject({ id: "1", duplicate: false });
    expect(again).toMatchObject({ id: "1", duplicate: true, sentAt: first?.sentAt });
    expect((await chat("stats", "--room", "retry")).stdout).toContain("messages 1\n");
  });

  it("send exits 1 with the server's reason when the message is rejected", async () => {
    const result = await chat("send", "--room", "rejects", "--name", "alice", "bell\u0007");
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(
      /^fibchat: message rejected: text contains control character U\+0007.*\n$/,
    );
  });

  it("send exits 1 with INVALID_ARGUMENT for a malformed room", async () => {
    const result = await chat("send", "--room", "No Spaces", "--name", "alice", "x");
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(/^fibchat: INVALID_ARGUMENT: room "No Spaces" .*\n$/);
  });

  it("stats counts one room, or the whole server without --room", async () => {
    for (const text of ["a", "b", "c"])
      await chat("send", "--room", "counted", "--name", "carol", text);
    const room = await chat("stats", "--room", "counted");
    expect(room).toMatchObject({
      code: 0,
      stderr: "",
      stdout: "messages 3\nrooms 1\nclients 0\nlast id 3\n",
    });

    const whole = await chat("stats", "--json");
    const [record] = parse(whole.stdout);
    expect(record).toMatchObject({ room: null, connectedClients: "0" });
    expect(Number(record?.messageCount)).toBeGreaterThanOrEqual(3);
    expect(Number(record?.roomCount)).toBeGreaterThanOrEqual(1);
  });

  it("read prints stored messages oldest first, honouring --after and --limit", async () => {
    for (const text of ["one", "two", "three", "four"]) {
      await chat("send", "--room", "reading", "--name", "dave", text);
    }
    const all = await chat("read", "--room", "reading");
    expect(all).toMatchObject({ code: 0, stderr: "" });
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines.map((line) => LOCAL_TIME.exec(line)?.slice(1))).toEqual([
      ["1", "dave", "one"],
      ["2", "dave", "two"],
      ["3", "dave", "three"],
      ["4", "dave", "four"],
    ]);

    const some = await chat("read", "--room", "reading", "--after", "1", "--limit", "2", "--json");
    expect(parse(some.stdout).map(({ id, text }) => [id, text])).toEqual([
      ["2", "two"],
      ["3", "three"],
    ]);
  });

  it("read --follow prints new messages as they are stored, until Ctrl-C (exit 130)", async () => {
    await chat("send", "--room", "follow", "--name", "erin", "before");
    const reader = spawnCli([
      "--chat-address",
      server.address,
      "chat",
      "read",
      "--room",
      "follow",
      "--follow",
    ]);
    await waitFor(() => reader.stdout.text().includes("erin: before"), {
      what: "the stored message",
    });
    await chat("send", "--room", "follow", "--name", "frank", "after");
    await waitFor(() => reader.stdout.text().includes("frank: after"), {
      what: "the live message",
    });
    reader.kill("SIGINT");
    const result = await reader.done;
    expect(result).toMatchObject({ code: 130, stderr: "" });
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(2);
  });

  it("read --follow resumes after the last message printed when the server restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fibchat-cli-follow-"));
    const port = (await closedAddress()).split(":")[1] ?? "";
    const serverArgs = ["--port", port, "--store", `sqlite:${join(dir, "chat.sqlite")}`];
    let restartable = await startServer("chat", serverArgs);
    const send = (text: string) =>
      runCli([
        "--chat-address",
        restartable.address,
        "chat",
        "send",
        "--room",
        "resume",
        "--name",
        "gil",
        text,
      ]);
    try {
      await send("one");
      const reader = spawnCli([
        "--chat-address",
        restartable.address,
        "chat",
        "read",
        "--room",
        "resume",
        "--follow",
        "--json",
      ]);
      await waitFor(() => reader.stdout.lines().length === 1, { what: "the stored message" });
      await restartable.stop();
      await waitFor(() => reader.stderr.text().includes("following #resume again"), {
        what: "the reader to notice",
        describe: () => reader.stderr.text(),
      });
      restartable = await startServer("chat", serverArgs);
      await send("two");
      await waitFor(() => reader.stdout.lines().length === 2, {
        what: "the message sent after the restart",
        describe: () => reader.stdout.text() + reader.stderr.text(),
      });
      reader.kill("SIGINT");
      const result = await reader.done;
      expect(result.code).toBe(130);
      expect(parse(result.stdout).map(({ id, text }) => [id, text])).toEqual([
        ["1", "one"],
        ["2", "two"],
      ]);
    } finally {
      await restartable.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

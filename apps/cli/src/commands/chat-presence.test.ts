import { type ChatClient, type ChatSession, createChatClient } from "@fibchat/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test-support/cli-process.js";
import { type ServerProcess, startServer } from "../test-support/server-process.js";

const LOCAL_TIME = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}";

describe("fibchat chat rooms|who, against a real chat server", () => {
  let server: ServerProcess;
  let client: ChatClient;
  const sessions: ChatSession[] = [];
  const chat = (...args: string[]) => runCli(["--chat-address", server.address, "chat", ...args]);
  const enter = async (room: string, author: string) => {
    const session = client.join({ room, author });
    sessions.push(session);
    await session.joined;
  };

  beforeAll(async () => {
    server = await startServer("chat");
    client = createChatClient(server.address);
    for (const room of ["busy", "busy", "archive"]) {
      expect((await chat("send", "--room", room, "--name", "old", "x")).code).toBe(0);
    }
    await enter("busy", "alice");
    await enter("busy", "bob");
    await enter("busy", "bob");
    await enter("quiet", "carol");
  });
  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    client?.close();
    await server?.stop();
  });

  it("rooms lists every room with messages or members, by name", async () => {
    const result = await chat("rooms");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^archive: 1 message, 0 members, last ${LOCAL_TIME}$`));
    expect(lines[1]).toMatch(new RegExp(`^busy: 2 messages, 2 members, last ${LOCAL_TIME}$`));
    expect(lines[2]).toBe("quiet: 0 messages, 1 member");
  });

  it("rooms --json prints one record per room, counts as strings", async () => {
    const result = await chat("rooms", "--json");
    const records = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records).toEqual([
      { room: "archive", messageCount: "1", memberCount: "0", lastMessageAt: expect.any(String) },
      { room: "busy", messageCount: "2", memberCount: "2", lastMessageAt: expect.any(String) },
      { room: "quiet", messageCount: "0", memberCount: "1", lastMessageAt: null },
    ]);
  });

  it("who lists a room's members, the longest present first; --json too", async () => {
    const result = await chat("who", "--room", "busy");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(
      new RegExp(`^alice since ${LOCAL_TIME}\\nbob since ${LOCAL_TIME} \\(2 sessions\\)\\n$`),
    );
    const json = await chat("who", "--room", "busy", "--json");
    expect(
      json.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { room: "busy", author: "alice", joinedAt: expect.any(String), sessions: "1" },
      { room: "busy", author: "bob", joinedAt: expect.any(String), sessions: "2" },
    ]);
    expect(await chat("who", "--room", "nobody")).toMatchObject({ code: 0, stdout: "" });
  });

  it("who exits 1 with INVALID_ARGUMENT for a malformed room", async () => {
    const result = await chat("who", "--room", "No Spaces");
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(/^fibchat: INVALID_ARGUMENT: room "No Spaces" .*\n$/);
  });
});

import { createTestTokens } from "@fibchat/server-kit/testing";
import { describe, expect, it } from "vitest";
import { useChatWorld } from "../test-support/chat-world.js";

const world = useChatWorld();
const tokens = await createTestTokens();

describe("ChatClient.join on a server that identifies users", () => {
  it("joins as the signed-in user when no author is given, and tells who that is", async () => {
    const server = await world.start(0, ["--auth-jwt-secret-file", tokens.secretFile]);
    const token = await tokens.hs256({ sub: "alice", scope: "chat.read chat.write" });
    const client = world.client(server.address, { token });
    const session = client.join({ room: "r" });
    expect(await session.joined).toEqual({ room: "r", author: "alice" });
    const { message } = await session.post("signed");
    expect(message.author).toBe("alice");
    await session.close();
  });

  it("rejects joined, and the session, when the author is someone else", async () => {
    const server = await world.start(0, ["--auth-jwt-secret-file", tokens.secretFile]);
    const token = await tokens.hs256({ sub: "alice" });
    const session = world.client(server.address, { token }).join({ room: "r", author: "bob" });
    await expect(session.joined).rejects.toMatchObject({
      code: "PERMISSION_DENIED",
      message: expect.stringContaining("you are signed in as alice; author must be empty or alice"),
    });
    await expect(session.closed).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  });

  it("resolves joined with the declared author on a server that identifies no one", async () => {
    const client = world.client((await world.start()).address);
    const session = client.join({ author: "ada" });
    expect(await session.joined).toEqual({ room: "general", author: "ada" });
    await session.close();
  });
});

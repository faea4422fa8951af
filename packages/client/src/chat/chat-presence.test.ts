import { describe, expect, it } from "vitest";
import { postAll } from "../test-support/chat-process.js";
import { useChatWorld } from "../test-support/chat-world.js";
import type { PresenceChange } from "./chat-session.js";

const world = useChatWorld();

describe("presence through createChatClient against the real server", () => {
  it("a session with presenceEvents hears others join and leave; listMembers and rooms see them", async () => {
    const server = await world.start();
    const client = world.client(server.address);
    const changes: PresenceChange[] = [];
    let heard: () => void = () => {};
    const watcher = client.join(
      { room: "lobby", author: "watcher", presenceEvents: true },
      {
        onPresence: (change) => {
          changes.push(change);
          heard();
        },
      },
    );
    await watcher.joined;
    const untilChanges = (count: number) =>
      new Promise<void>((resolve) => {
        heard = () => changes.length >= count && resolve();
        heard();
      });

    const ada = client.join({ room: "lobby", author: "ada" });
    await ada.joined;
    await untilChanges(1);
    expect((await client.listMembers({ room: "lobby" })).map(({ author }) => author)).toEqual([
      "watcher",
      "ada",
    ]);
    await postAll(server.address, "quiet", "bob", ["one", "two"]);
    const rooms = [];
    for await (const room of client.rooms({ pageSize: 1 })) rooms.push(room);
    expect(
      rooms.map(({ room, messageCount, memberCount }) => [room, messageCount, memberCount]),
    ).toEqual([
      ["lobby", 0n, 2],
      ["quiet", 2n, 0],
    ]);
    await ada.close();
    await untilChanges(2);
    expect(changes.map(({ kind, member }) => [kind, member.author, member.sessions])).toEqual([
      ["joined", "ada", 1],
      ["left", "ada", 0],
    ]);
    await watcher.close();
  });
});

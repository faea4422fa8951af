import { afterEach, describe, expect, it } from "vitest";
import type { ChatStorage } from "../open-storage.js";
import type { PresenceEvent, PresenceRegistry } from "../presence/index.js";

/** A storage backend under test: each call opens fresh, empty storage. */
export type OpenStorage = () => Promise<ChatStorage>;

/** Everything `presence` reports, and a way to wait for the `count`th event. */
export function recordPresence(presence: PresenceRegistry) {
  const events: PresenceEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  presence.subscribe((event) => {
    events.push(event);
    for (const waiter of waiters) if (events.length >= waiter.count) waiter.resolve();
  });
  return {
    events,
    /** `kind author` of each event, in order. */
    summary: () => events.map(({ kind, member }) => `${kind} ${member.author}`),
    until: (count: number) =>
      events.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

/**
 * The presence and room-listing behaviour every storage backend shares: memory and SQLite
 * (this instance's sessions) and Redis (every instance's), held to one definition.
 */
export function describePresenceContract(name: string, open: OpenStorage): void {
  describe(`${name} honours the presence and room-listing contract`, () => {
    const opened: ChatStorage[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((storage) => storage.close()));
    });
    async function fresh(): Promise<ChatStorage> {
      const storage = await open();
      opened.push(storage);
      return storage;
    }

    it("makes an author with two sessions one member that joins once and leaves once", async () => {
      const { presence } = await fresh();
      const heard = recordPresence(presence);
      const ada1 = await presence.enter("r", "ada");
      const ada2 = await presence.enter("r", "ada");
      const bob = await presence.enter("r", "bob");
      await heard.until(2);
      const members = await presence.members("r", 10);
      expect(members.map(({ author, sessions }) => [author, sessions])).toEqual([
        ["ada", 2],
        ["bob", 1],
      ]);
      expect(members[0]?.joinedAt.getTime()).toBeLessThanOrEqual(
        members[1]?.joinedAt.getTime() ?? 0,
      );
      await ada1();
      await ada1();
      expect((await presence.members("r", 10)).map(({ author }) => author)).toEqual(["ada", "bob"]);
      await ada2();
      await heard.until(3);
      expect(await presence.members("r", 10)).toMatchObject([{ author: "bob", sessions: 1 }]);
      await bob();
      await heard.until(4);
      expect(heard.summary()).toEqual(["joined ada", "joined bob", "left ada", "left bob"]);
      const [joined, , left] = heard.events;
      expect(joined?.member).toMatchObject({ room: "r", author: "ada", sessions: 1 });
      expect(left?.member).toMatchObject({ room: "r", author: "ada", sessions: 0 });
      expect(left?.member.joinedAt).toEqual(joined?.member.joinedAt);
      expect(await presence.members("r", 10)).toEqual([]);
    });

    it("keeps rooms apart and lists at most `limit` members, the longest present first", async () => {
      const { presence } = await fresh();
      for (const author of ["c", "a", "b"]) await presence.enter("r", author);
      await presence.enter("other", "z");
      expect((await presence.members("r", 2)).map(({ author }) => author)).toHaveLength(2);
      expect((await presence.members("other", 10)).map(({ author }) => author)).toEqual(["z"]);
      expect(await presence.members("empty", 10)).toEqual([]);
    });

    it("lists occupied rooms by name after a cursor, with their member counts", async () => {
      const { presence } = await fresh();
      await presence.enter("b", "ada");
      await presence.enter("b", "bob");
      await presence.enter("b", "bob");
      const leave = await presence.enter("a", "ada");
      await presence.enter("c", "ada");
      expect(await presence.occupiedRooms("", 10)).toEqual([
        { room: "a", memberCount: 1 },
        { room: "b", memberCount: 2 },
        { room: "c", memberCount: 1 },
      ]);
      expect(await presence.occupiedRooms("a", 1)).toEqual([{ room: "b", memberCount: 2 }]);
      await leave();
      expect((await presence.occupiedRooms("", 10)).map(({ room }) => room)).toEqual(["b", "c"]);
    });

    it("lists rooms holding messages by name after a cursor, with counts and the last message's time", async () => {
      const { store, rooms } = await fresh();
      expect(await rooms.storedRooms("", 10)).toEqual([]);
      for (const room of ["b", "a", "b", "c"]) {
        await store.append({ room, author: "ada", text: room, clientMessageId: "" });
      }
      const last = await store.append({ room: "b", author: "ada", text: "x", clientMessageId: "" });
      const listed = await rooms.storedRooms("", 10);
      expect(listed.map(({ room, messageCount }) => [room, messageCount])).toEqual([
        ["a", 1n],
        ["b", 3n],
        ["c", 1n],
      ]);
      expect(listed[1]?.lastMessageAt).toEqual(last.message.sentAt);
      expect((await rooms.storedRooms("a", 1)).map(({ room }) => room)).toEqual(["b"]);
      expect(await rooms.storedRooms("c", 10)).toEqual([]);
    });
  });
}

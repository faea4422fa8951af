import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { RetainingStore } from "../store/message-retention.js";
import type { AppendInput, StoredMessage } from "../store/message-store.js";

/** A storage backend whose stores can remove old history. */
export interface RetainingBackend {
  /** As in `StoreBackend`: fresh storage, and a function opening a store on it. */
  readonly createStorage: () => () => RetainingStore | Promise<RetainingStore>;
  /** Whether data outlives a store's `close()`. */
  readonly persistent: boolean;
}

const HOUR_MS = 3_600_000;

function post(room: string, text: string, clientMessageId = ""): AppendInput {
  return { room, author: "ada", text, clientMessageId };
}

function ids(messages: readonly StoredMessage[]): bigint[] {
  return messages.map((message) => message.id);
}

function range(from: number, to: number): bigint[] {
  return Array.from({ length: to - from + 1 }, (_, index) => BigInt(from + index));
}

/**
 * Declares the retention tests every {@link RetainingStore} backend must pass, beside the
 * `MessageStore` contract.
 */
export function describeRetentionContract(name: string, backend: RetainingBackend): void {
  describe(`${name} honours the MessageRetention contract`, () => {
    const opened: RetainingStore[] = [];

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    async function openFresh() {
      const open = backend.createStorage();
      const reopen = async () => {
        const store = await open();
        opened.push(store);
        return store;
      };
      return { store: await reopen(), reopen };
    }

    async function fill(store: RetainingStore, room: string, count: number) {
      const stored: StoredMessage[] = [];
      for (let index = 1; index <= count; index++) {
        stored.push((await store.append(post(room, `m${index}`))).message);
      }
      return stored;
    }

    /** Trims `room` in steps of `limit` until it is within `policy`; resolves with the total removed. */
    async function trimAll(
      store: RetainingStore,
      room: string,
      policy: Parameters<RetainingStore["trimRoom"]>[1],
      now: Date,
      limit = 500,
    ) {
      let total = 0;
      for (;;) {
        const removed = await store.trimRoom(room, policy, now, limit);
        total += removed;
        if (removed < limit) return total;
      }
    }

    it("by count keeps each room's newest messages; ids go on, counts follow", async () => {
      const { store } = await openFresh();
      await fill(store, "a", 10);
      await fill(store, "b", 3);
      const now = new Date();
      expect(await store.trimRoom("a", { maxMessages: 4 }, now, 500)).toBe(6);
      expect(await store.trimRoom("b", { maxMessages: 4 }, now, 500)).toBe(0);
      expect(ids(await store.readAfter("a", 0n, 100))).toEqual(range(7, 10));
      expect(ids(await store.readAfter("a", 8n, 100))).toEqual(range(9, 10));
      expect(await store.idRange("a")).toEqual({ lastId: 10n, removedThrough: 6n });
      expect(await store.idRange("b")).toEqual({ lastId: 3n, removedThrough: 0n });
      expect(await store.idRange("never")).toEqual({ lastId: 0n, removedThrough: 0n });
      expect(await store.stats("a")).toEqual({ messageCount: 4n, roomCount: 1 });
      expect(await store.stats(undefined)).toEqual({ messageCount: 7n, roomCount: 2 });
      expect((await store.append(post("a", "next"))).message.id).toBe(11n);
      expect(await store.stats(undefined)).toEqual({ messageCount: 8n, roomCount: 2 });
    });

    it("removes at most `limit` messages per step, oldest first", async () => {
      const { store } = await openFresh();
      await fill(store, "r", 10);
      const steps = [];
      for (let step = 0; step < 4; step++) {
        steps.push(await store.trimRoom("r", { maxMessages: 1 }, new Date(), 4));
      }
      expect(steps).toEqual([4, 4, 1, 0]);
      expect(ids(await store.readAfter("r", 0n, 100))).toEqual([10n]);
    });

    it("by age removes the messages stored before now minus the age, oldest first", async () => {
      const { store } = await openFresh();
      const stored = await fill(store, "r", 6);
      // sent_at is the store's own clock (Redis's, for Redis): the cut is placed among the stamps
      // it gave, at the fourth message, and the expectation is read from them.
      const cut = stored[3]?.sentAt.getTime() ?? 0;
      const expectedGone = stored.filter((message) => message.sentAt.getTime() < cut).length;
      const policy = { maxAgeMs: HOUR_MS };
      const first = stored[0]?.sentAt.getTime() ?? 0;
      expect(await trimAll(store, "r", policy, new Date(first + HOUR_MS))).toBe(0);
      expect(await trimAll(store, "r", policy, new Date(cut + HOUR_MS))).toBe(expectedGone);
      expect(ids(await store.readAfter("r", 0n, 100))).toEqual(range(expectedGone + 1, 6));
      expect(await store.stats("r")).toMatchObject({ messageCount: BigInt(6 - expectedGone) });
    });

    it("a room emptied by retention leaves the room count but keeps its ids", async () => {
      const { store } = await openFresh();
      const stored = await fill(store, "r", 5);
      await fill(store, "s", 1);
      const later = new Date((stored.at(-1)?.sentAt.getTime() ?? 0) + 2 * HOUR_MS);
      expect(await trimAll(store, "r", { maxAgeMs: HOUR_MS }, later)).toBe(5);
      expect(await store.stats(undefined)).toEqual({ messageCount: 1n, roomCount: 1 });
      expect(await store.stats("r")).toEqual({ messageCount: 0n, roomCount: 0 });
      expect(await store.roomsWithMessages()).toEqual(["s"]);
      expect(await store.idRange("r")).toEqual({ lastId: 5n, removedThrough: 5n });
      expect(await store.readAfter("r", 0n, 10)).toEqual([]);
      expect((await store.append(post("r", "again"))).message.id).toBe(6n);
      expect((await store.roomsWithMessages()).toSorted()).toEqual(["r", "s"]);
      expect(await store.stats(undefined)).toEqual({ messageCount: 2n, roomCount: 2 });
    });

    it("forgets the clientMessageId of a removed message, and only of that one", async () => {
      const { store } = await openFresh();
      for (const id of ["c-1", "c-2", "c-3"]) await store.append(post("r", id, id));
      await store.trimRoom("r", { maxMessages: 2 }, new Date(), 500);
      expect(await store.append(post("r", "c-1 again", "c-1"))).toMatchObject({
        duplicate: false,
        message: { id: 4n, text: "c-1 again" },
      });
      expect(await store.append(post("r", "c-3 again", "c-3"))).toMatchObject({
        duplicate: true,
        message: { id: 3n, text: "c-3" },
      });
    });

    it("trimming while 300 posts arrive concurrently keeps exactly the newest, with no gap", async () => {
      const { store } = await openFresh();
      const policy = { maxMessages: 50 };
      let posting = true;
      const trimmer = (async () => {
        let steps = 0;
        while (posting || steps === 0) {
          await store.trimRoom("r", policy, new Date(), 7);
          // Between steps the newest 50 (or all, while fewer) are always there, in one piece.
          const { lastId, removedThrough } = await store.idRange("r");
          const kept = ids(await store.readAfter("r", removedThrough, 1000));
          expect(kept.slice(0, Number(lastId - removedThrough))).toEqual(
            range(Number(removedThrough) + 1, Number(lastId)),
          );
          steps++;
          // Posts commit on timers (SQLite's group commit): a loop of resolved promises would starve them.
          await nextTurn();
        }
      })();
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, index) => store.append(post("r", `${index}`))),
      );
      posting = false;
      await trimmer;
      await trimAll(store, "r", policy, new Date());
      expect(
        ids(results.map(({ message }) => message)).toSorted((a, b) => (a < b ? -1 : 1)),
      ).toEqual(range(1, 300));
      expect(ids(await store.readAfter("r", 0n, 1000))).toEqual(range(251, 300));
      expect(await store.stats("r")).toEqual({ messageCount: 50n, roomCount: 1 });
    });

    if (backend.persistent)
      it("keeps what retention removed removed across reopen, and ids going on", async () => {
        const { store, reopen } = await openFresh();
        await fill(store, "r", 6);
        await store.append(post("r", "dedup", "c-1"));
        await store.trimRoom("r", { maxMessages: 3 }, new Date(), 500);
        await store.close();
        const reopened = await reopen();
        expect(await reopened.idRange("r")).toEqual({ lastId: 7n, removedThrough: 4n });
        expect(ids(await reopened.readAfter("r", 0n, 10))).toEqual(range(5, 7));
        expect(await reopened.stats(undefined)).toEqual({ messageCount: 3n, roomCount: 1 });
        expect((await reopened.append(post("r", "dedup", "c-1"))).duplicate).toBe(true);
        expect((await reopened.append(post("r", "next"))).message.id).toBe(8n);
      });
  });
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogCapture } from "@fibchat/server-kit/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStorage } from "./open-storage.js";
import { redisPresenceKeys } from "./store/redis-presence-keys.js";
import { definePresenceScripts, present } from "./store/redis-presence-scripts.js";
import { parseStoreLocation } from "./store-location.js";
import { describePresenceContract, recordPresence } from "./test-support/presence-contract.js";
import { describeWithRedis, startRedis, type TestRedis } from "./test-support/redis-server.js";

const log = createLogCapture().logger;
const root = mkdtempSync(join(tmpdir(), "chat-server-storage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let fresh = 0;

describePresenceContract("memory", () =>
  openStorage(parseStoreLocation("memory"), log, { presenceTtlMs: 15_000 }),
);

describePresenceContract("SQLite", () =>
  openStorage(parseStoreLocation(`sqlite:${join(root, `case-${++fresh}`, "chat.db")}`), log, {
    presenceTtlMs: 15_000,
  }),
);

describeWithRedis("Redis presence", { timeout: 20_000 }, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  const open = (redisNamespace: string, presenceTtlMs = 15_000) =>
    openStorage(parseStoreLocation(redis.url), log, { presenceTtlMs, redisNamespace });

  describePresenceContract("Redis", () => open(`presence-${++fresh}:`));

  it("shares members between instances, and each hears the other's joins and leaves", async () => {
    const namespace = `shared-${++fresh}:`;
    const [a, b] = [await open(namespace), await open(namespace)];
    try {
      const onB = recordPresence(b.presence);
      const leave = await a.presence.enter("r", "ada");
      await b.presence.enter("r", "bob");
      expect((await b.presence.members("r", 10)).map(({ author }) => author)).toEqual([
        "ada",
        "bob",
      ]);
      await leave();
      await onB.until(3);
      expect(onB.summary()).toEqual(["joined ada", "joined bob", "left ada"]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("hears a member's join before the messages they post, on another instance", async () => {
    const namespace = `order-${++fresh}:`;
    const [a, b] = [await open(namespace), await open(namespace)];
    try {
      const heard: string[] = [];
      b.presence.subscribe(({ kind, member }) => heard.push(`${kind} ${member.author}`));
      b.store.subscribe(({ author, text }) => heard.push(`${author}: ${text}`));
      for (const author of ["ada", "bob", "cy"]) {
        await a.presence.enter("r", author);
        await a.store.append({ room: "r", author, text: "hi", clientMessageId: "" });
      }
      await new Promise<void>((resolve) => {
        const check = () => (heard.length >= 6 ? resolve() : undefined);
        b.store.subscribe(check);
        check();
      });
      expect(heard).toEqual([
        "joined ada",
        "ada: hi",
        "joined bob",
        "bob: hi",
        "joined cy",
        "cy: hi",
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("drops the members of an instance that stopped heartbeating once their TTL is over", async () => {
    const namespace = `expiry-${++fresh}:`;
    const survivor = await open(namespace, 600);
    const heard = recordPresence(survivor.presence);
    // What a killed instance leaves behind: a session registered once, never refreshed.
    const dead = new Redis(redis.url);
    definePresenceScripts(dead);
    await present(dead, redisPresenceKeys(namespace), "r", 1, ["dead-instance|1|ghost"]);
    dead.disconnect();
    // The survivor reaps expired sessions on its beat (every 200 ms here): wait for the event.
    await heard.until(2);
    expect(heard.summary()).toEqual(["joined ghost", "left ghost"]);
    expect(await survivor.presence.members("r", 10)).toEqual([]);
    expect(await survivor.presence.occupiedRooms("", 10)).toEqual([]);
    await survivor.close();
  });
});

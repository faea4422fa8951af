import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeMessageStoreContract } from "../test-support/message-store-contract.js";
import {
  describeWithRedisCluster,
  startRedisCluster,
  type TestCluster,
} from "../test-support/redis-cluster.js";
import { describeRetentionContract } from "../test-support/retention-contract.js";
import type { MessageStore, StoredMessage } from "./message-store.js";
import { ReplicationUnconfirmedError } from "./message-store.js";
import { createRedisClusterStore } from "./redis-cluster-store.js";

let namespaces = 0;

/** A namespace no store has used yet: fresh, empty storage on the shared cluster. */
function freshNamespace(): string {
  namespaces++;
  return `test-${namespaces}:`;
}

describeWithRedisCluster("createRedisClusterStore", { timeout: 30_000 }, () => {
  let cluster: TestCluster;
  const opened: MessageStore[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => cluster?.stop());

  const open = (namespace: string, options: { minReplicasAcked?: number } = {}) =>
    createRedisClusterStore({ url: cluster.url, namespace, ...options });

  describeMessageStoreContract("createRedisClusterStore", {
    createStorage: () => {
      const namespace = freshNamespace();
      return () => open(namespace);
    },
    persistent: true,
    notifiesPerRoom: true,
  });

  describeRetentionContract("createRedisClusterStore", {
    createStorage: () => {
      const namespace = freshNamespace();
      return () => open(namespace);
    },
    persistent: true,
  });

  it("spreads rooms over every master, and counts and lists them across shards", async () => {
    const namespace = freshNamespace();
    const store = await open(namespace);
    opened.push(store);
    const rooms = await roomsOnEveryMaster(cluster, namespace);
    for (const [index, room] of rooms.entries()) {
      for (let post = 0; post <= index; post++) {
        await store.append({ room, author: "ada", text: `${post}`, clientMessageId: "" });
      }
    }
    expect(await store.stats(undefined)).toEqual({ messageCount: 6n, roomCount: 3 });
    expect((await store.roomsWithMessages()).sort()).toEqual([...rooms].sort());
  });

  it("acknowledges once a replica has the message (default 1), and refuses to when none can", async () => {
    const namespace = freshNamespace();
    const store = await createRedisClusterStore({ url: cluster.url, namespace });
    opened.push(store);
    expect(store.minReplicasAcked).toBe(1);
    const greedy = await createRedisClusterStore({
      url: cluster.url,
      namespace,
      minReplicasAcked: 2,
      replicationTimeoutMs: 50,
    });
    opened.push(greedy);
    const heard: StoredMessage[] = [];
    store.subscribe((message) => heard.push(message), "r");
    await expect(
      greedy.append({ room: "r", author: "ada", text: "x", clientMessageId: "c-1" }),
    ).rejects.toThrow(ReplicationUnconfirmedError);
    // Stored but unconfirmed: no reader sees it yet; the retry confirms it, once.
    expect(await store.readAfter("r", 0n, 10)).toEqual([]);
    const retried = await store.append({
      room: "r",
      author: "ada",
      text: "x",
      clientMessageId: "c-1",
    });
    expect(retried).toMatchObject({ duplicate: true, message: { id: 1n, text: "x" } });
    expect(heard.map(({ id }) => id)).toEqual([1n]);
    expect((await store.readAfter("r", 0n, 10)).map(({ id }) => id)).toEqual([1n]);
  });
});

/** Three room names whose keys live on three different masters. */
export async function roomsOnEveryMaster(
  cluster: TestCluster,
  namespace: string,
): Promise<string[]> {
  const byMaster = new Map<number, string>();
  for (let index = 0; byMaster.size < 3; index++) {
    const room = `room-${index}`;
    const master = await cluster.masterOf(`${namespace}{${room}}:messages`);
    if (!byMaster.has(master)) byMaster.set(master, room);
  }
  return [...byMaster.values()];
}

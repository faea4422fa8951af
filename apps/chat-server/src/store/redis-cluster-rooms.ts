import type { Cluster } from "ioredis";

/** Keys one SCAN step asks each master for. */
const SCAN_COUNT = 1_000;

/**
 * Every room some key of which matches `pattern` on any master of `cluster`, decoded by `roomOf`
 * (which answers undefined for a key that is not one). A Redis Cluster has no key that every room
 * shares a slot with, so the rooms are found where they are: one `SCAN` walk per master, O(keys
 * on the cluster), which is why ListRooms and global counts cost more here (README, "Beyond one
 * Redis"). A master that cannot be reached fails the whole call.
 */
export async function scanRooms(
  cluster: Cluster,
  pattern: string,
  roomOf: (key: string) => string | undefined,
): Promise<Set<string>> {
  const rooms = new Set<string>();
  await Promise.all(
    cluster.nodes("master").map(async (node) => {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
        cursor = next;
        for (const key of keys) {
          const room = roomOf(key);
          if (room !== undefined) rooms.add(room);
        }
      } while (cursor !== "0");
    }),
  );
  return rooms;
}

import { type MessageRetention, type RoomIdRange, retentionFloor } from "../message-retention.js";
import type { SqliteConnection } from "./sqlite-connection.js";
import { integerColumn } from "./sqlite-rows.js";
import { inTransaction } from "./sqlite-transaction.js";

/**
 * The schema step retention needs: where each room's removed ids end. A room's count is then
 * `last_id - removed_through`, and its row stays when retention empties it, so ids go on.
 */
export const RETENTION_MIGRATION = `
  ALTER TABLE rooms ADD COLUMN removed_through INTEGER NOT NULL DEFAULT 0;
`;

/**
 * {@link MessageRetention} on a SQLite file migrated with {@link RETENTION_MIGRATION}. Each
 * `trimRoom` step is one `BEGIN IMMEDIATE` transaction deleting at most `limit` rows by primary
 * key range, so it holds the write lock for about as long as a group commit.
 */
export function createSqliteRetention(db: SqliteConnection): MessageRetention {
  const selectRange = db.prepare("SELECT last_id, removed_through FROM rooms WHERE room = ?");
  const selectOldest = db.prepare(
    "SELECT id, sent_at_ms FROM messages WHERE room = ? AND id > ? ORDER BY id LIMIT ?",
  );
  const deleteThrough = db.prepare("DELETE FROM messages WHERE room = ? AND id > ? AND id <= ?");
  const updateRemoved = db.prepare("UPDATE rooms SET removed_through = ? WHERE room = ?");
  const selectRooms = db.prepare("SELECT room FROM rooms WHERE last_id > removed_through");

  function rangeOf(room: string): RoomIdRange {
    const row = selectRange.get(room);
    if (row === undefined) return { lastId: 0n, removedThrough: 0n };
    return {
      lastId: integerColumn(row, "last_id"),
      removedThrough: integerColumn(row, "removed_through"),
    };
  }

  return {
    async roomsWithMessages() {
      return selectRooms.all().map((row) => {
        const room = Reflect.get(Object(row), "room");
        if (typeof room !== "string") throw new TypeError(`column room is ${typeof room}`);
        return room;
      });
    },

    async trimRoom(room, policy, now, limit) {
      return inTransaction(db, () => {
        const range = rangeOf(room);
        const oldest =
          policy.maxAgeMs === undefined
            ? []
            : selectOldest.all(room, range.removedThrough, limit).map((row) => ({
                id: integerColumn(row, "id"),
                sentAt: new Date(Number(integerColumn(row, "sent_at_ms"))),
              }));
        const floor = retentionFloor(policy, now, range, oldest, limit);
        if (floor === range.removedThrough) return 0;
        deleteThrough.run(room, range.removedThrough, floor);
        updateRemoved.run(floor, room);
        return Number(floor - range.removedThrough);
      });
    },

    async idRange(room) {
      return rangeOf(room);
    },
  };
}

import type { RoomCatalog } from "../room-catalog.js";
import { openSqlite, type SqliteDriver } from "./sqlite-connection.js";
import { integerColumn } from "./sqlite-rows.js";

/**
 * A {@link RoomCatalog} of the SQLite store at `path`, on a connection of its own (WAL lets it
 * read while the store writes), so the store itself needs no change. Open it after the store,
 * which creates and migrates the file.
 */
export function createSqliteRoomCatalog(path: string, driver?: SqliteDriver): RoomCatalog {
  const db = openSqlite(path, driver);
  db.exec("PRAGMA busy_timeout = 1000");
  // Ids are 1..n in a room and only the oldest messages are ever removed, so the first and last
  // stored ids give the count: two index lookups per room, not a scan of its messages.
  const selectRooms = db.prepare(
    `SELECT room, first_id, last_id, last_sent_at_ms FROM (
       SELECT r.room AS room,
         (SELECT id FROM messages m WHERE m.room = r.room ORDER BY id LIMIT 1) AS first_id,
         (SELECT id FROM messages m WHERE m.room = r.room ORDER BY id DESC LIMIT 1) AS last_id,
         (SELECT sent_at_ms FROM messages m WHERE m.room = r.room ORDER BY id DESC LIMIT 1)
           AS last_sent_at_ms
       FROM rooms r WHERE r.room > ? ORDER BY r.room
     ) WHERE last_id IS NOT NULL LIMIT ?`,
  );
  let closed = false;
  return {
    async storedRooms(after, limit) {
      return selectRooms.all(after, limit).map((row) => {
        const room = Reflect.get(Object(row), "room");
        if (typeof room !== "string") throw new TypeError(`column room is ${typeof room}`);
        const first = integerColumn(row, "first_id");
        const last = integerColumn(row, "last_id");
        return {
          room,
          messageCount: last - first + 1n,
          lastMessageAt: new Date(Number(integerColumn(row, "last_sent_at_ms"))),
        };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

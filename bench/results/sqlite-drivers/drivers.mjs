// One adapter per driver: the chat store's hot path (claim the room's next id, insert the message)
// inside an IMMEDIATE transaction, with WAL and synchronous = FULL, as apps/chat-server does.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (room TEXT NOT NULL, id INTEGER NOT NULL, author TEXT NOT NULL,
  text TEXT NOT NULL, sent_at_ms INTEGER NOT NULL, client_message_id TEXT NOT NULL,
  PRIMARY KEY (room, id)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_message_id ON messages (room, author, client_message_id) WHERE client_message_id <> '';
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;`;
const CLAIM = `INSERT INTO rooms (room, last_id) VALUES (?, 1) ON CONFLICT (room) DO UPDATE SET last_id = last_id + 1 RETURNING last_id`;
const INSERT = `INSERT INTO messages (room, id, author, text, sent_at_ms, client_message_id) VALUES (?, ?, ?, ?, ?, ?)`;
const SELECT_ORIGINAL = `SELECT id FROM messages WHERE room = ? AND author = ? AND client_message_id = ? AND client_message_id <> ''`;
const COUNT = `SELECT COUNT(*) AS n FROM messages`;
const ALL_IDS = `SELECT id FROM messages WHERE room = ? ORDER BY id`;

export async function openDriver(name, path) {
  if (name === "node:sqlite") {
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;" + SCHEMA);
    const claim = db.prepare(CLAIM); claim.setReadBigInts(true);
    const original = db.prepare(SELECT_ORIGINAL); original.setReadBigInts(true);
    const insert = db.prepare(INSERT);
    const count = db.prepare(COUNT);
    const ids = db.prepare(ALL_IDS); ids.setReadBigInts(true);
    return {
      batch(posts) {
        db.exec("BEGIN IMMEDIATE");
        try {
          const out = posts.map((p) => appendOne(p, original, claim, insert));
          db.exec("COMMIT");
          return out;
        } catch (e) { db.exec("ROLLBACK"); throw e; }
      },
      count: () => Number(count.get().n),
      ids: (room) => ids.all(room).map((r) => r.id),
      // A statement used once and dropped: finalised later by a garbage collection.
      scratch: () => db.prepare("SELECT ? AS one").get(1),
      close: () => db.close(),
    };
  }
  const mod = name === "libsql" ? await import("libsql") : await import("better-sqlite3");
  const Database = mod.default;
  const db = new Database(path);
  db.exec("PRAGMA journal_mode = WAL"); db.exec("PRAGMA synchronous = FULL"); db.exec(SCHEMA);
  const claim = db.prepare(CLAIM).safeIntegers();
  const original = db.prepare(SELECT_ORIGINAL).safeIntegers();
  const insert = db.prepare(INSERT);
  const count = db.prepare(COUNT);
  const ids = db.prepare(ALL_IDS).safeIntegers();
  const tx = db.transaction((posts) => posts.map((p) => appendOne(p, original, claim, insert)));
  return {
    batch: (posts) => tx.immediate(posts),
    count: () => Number(count.get().n),
    ids: (room) => ids.all(room).map((r) => r.id),
    scratch: () => db.prepare("SELECT ? AS one").get(1),
    close: () => db.close(),
  };
}

function appendOne(p, original, claim, insert) {
  if (p.clientMessageId !== "") {
    const row = original.get(p.room, p.author, p.clientMessageId);
    if (row !== undefined) return row.id;
  }
  const id = claim.get(p.room).last_id;
  insert.run(p.room, id, p.author, p.text, Date.now(), p.clientMessageId);
  return id;
}

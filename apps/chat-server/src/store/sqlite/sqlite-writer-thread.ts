import { parentPort, workerData } from "node:worker_threads";
import { createSqliteAppends } from "./sqlite-appends.js";
import { openSqlite } from "./sqlite-connection.js";
import { createSqliteRetention } from "./sqlite-retention.js";
import { createWriteQueue } from "./sqlite-write-queue.js";
import type { WriterRequest, WriterThreadData } from "./sqlite-writer-messages.js";

// The SQLite store's writer thread (see sqlite-writer.ts): every write to the file happens here,
// so a commit's fsync blocks this thread and never the server's event loop.

const port = parentPort;
if (port === null) throw new Error("the SQLite writer must run in a worker thread");
const data = threadData(workerData);
const db = openSqlite(data.path, data.driver);
db.exec("PRAGMA synchronous = FULL");
db.exec("PRAGMA busy_timeout = 1000");
const appends = createSqliteAppends(db);
const retention = createSqliteRetention(db);
const queue = createWriteQueue(
  {
    commit: (inputs) => appends.commit(inputs),
    trim: ({ room, policy, nowMs, limit }) =>
      retention.trimRoom(room, policy, new Date(nowMs), limit),
  },
  (reply) => port.postMessage(reply),
);

function threadData(value: unknown): WriterThreadData {
  const path: unknown = Reflect.get(Object(value), "path");
  const driver: unknown = Reflect.get(Object(value), "driver");
  if (typeof path !== "string" || (driver !== "node:sqlite" && driver !== "libsql")) {
    throw new TypeError("the SQLite writer needs { path, driver } as its workerData");
  }
  return { path, driver };
}

port.on("message", (request: WriterRequest) => {
  if (request.kind !== "close") {
    queue.push(request);
    return;
  }
  void queue.flush().then(() => {
    db.close();
    port.close();
  });
});

import { parentPort, workerData } from "node:worker_threads";
import { createSqliteAppends } from "./sqlite-appends.js";
import { openSqlite } from "./sqlite-connection.js";
import { createSqliteRetention } from "./sqlite-retention.js";
import type { WriterReply, WriterRequest, WriterThreadData } from "./sqlite-writer-messages.js";

// The SQLite store's writer thread (see sqlite-writer.ts): every write to the file happens here,
// one request at a time, so a commit's fsync blocks this thread and never the server's event loop.

const port = parentPort;
if (port === null) throw new Error("the SQLite writer must run in a worker thread");
const data = threadData(workerData);
const db = openSqlite(data.path, data.driver);
db.exec("PRAGMA synchronous = FULL");
db.exec("PRAGMA busy_timeout = 1000");
const appends = createSqliteAppends(db);
const retention = createSqliteRetention(db);

async function answer(request: Exclude<WriterRequest, { kind: "close" }>): Promise<WriterReply> {
  try {
    if (request.kind === "append") {
      const startedAt = performance.now();
      const results = appends.commit(request.inputs);
      const seconds = (performance.now() - startedAt) / 1000;
      return { kind: "appended", id: request.id, results, seconds };
    }
    const { room, policy, nowMs, limit } = request;
    const removed = await retention.trimRoom(room, policy, new Date(nowMs), limit);
    return { kind: "trimmed", id: request.id, removed };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { kind: "failed", id: request.id, name, message };
  }
}

function threadData(value: unknown): WriterThreadData {
  const path: unknown = Reflect.get(Object(value), "path");
  const driver: unknown = Reflect.get(Object(value), "driver");
  if (typeof path !== "string" || (driver !== "node:sqlite" && driver !== "libsql")) {
    throw new TypeError("the SQLite writer needs { path, driver } as its workerData");
  }
  return { path, driver };
}

port.on("message", (request: WriterRequest) => {
  if (request.kind === "close") {
    db.close();
    port.close();
    return;
  }
  void answer(request).then((reply) => port.postMessage(reply));
});

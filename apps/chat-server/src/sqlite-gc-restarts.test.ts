import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import { spawnServer } from "@fibchat/server-kit/testing";
import { credentials } from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { ackOf, openSession, readMessages } from "./test-support/chat-fixture.js";

// The regression test for the abort of issue 10: better-sqlite3 12 on Node 24.19+ died of
// `Assertion failed: (env) != nullptr` when a garbage collection or the exit finalised a
// statement. A collection every 20 ms while the server stores and reads makes that moment
// certain instead of lucky; a clean exit 0 each time is the proof.
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const FORCE_GC = "data:text/javascript,setInterval(() => globalThis.gc(), 20).unref();";
const CYCLES = 20;
const POSTS = 20;

const dir = mkdtempSync(join(tmpdir(), "fibchat-gc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the chat server on its SQLite store under forced garbage collection", () => {
  it(`starts, stores, reads and exits 0 ${CYCLES} times in a row`, async () => {
    const store = `sqlite:${join(dir, "chat.sqlite")}`;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await spawnServer(MAIN, ["--store", store], {
        nodeArgs: ["--expose-gc", "--import", FORCE_GC],
      });
      const client = new ChatServiceClient(server.address, credentials.createInsecure());
      try {
        const session = openSession(client, { room: "gc", author: "ada" });
        for (let post = 0; post < POSTS; post++)
          session.post(`c${cycle} p${post}`, `${cycle}-${post}`);
        await session.waitFor(ackOf(`${cycle}-${POSTS - 1}`));
        await session.end();
        const stored = await readMessages(client, { room: "gc" });
        expect(stored).toHaveLength((cycle + 1) * POSTS);
      } finally {
        client.close();
        server.child.kill("SIGTERM");
      }
      const code = await server.exited;
      expect(server.stderr()).not.toMatch(/Assertion failed|Aborted|Segmentation/);
      expect({ cycle, code }).toEqual({ cycle, code: 0 });
    }
  }, 300_000);
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SpawnedServer } from "@fibchat/server-kit/testing";
import { afterAll, afterEach } from "vitest";
import { type ChatClient, createChatClient } from "../chat/chat-client.js";
import type { ClientOptions } from "../client-options.js";
import { startChatProcess } from "./chat-process.js";
import { killProcess } from "./fibonacci-process.js";

/** What grpc-js says when it cannot listen on the port (`EADDRINUSE` behind it). */
const PORT_TAKEN = "No address added";
const RESTART_TRIES = 50;
const RESTART_RETRY_MS = 100;

/** Chat servers and clients for one test file, stopped after each test. */
export interface ChatWorld {
  /** A store file in this file's temporary folder. */
  storePath(name: string): string;
  /** Starts a chat server on `port` (0: any) with `args`; a fresh SQLite store unless given. */
  start(port?: number, args?: readonly string[]): Promise<SpawnedServer>;
  /** Kills `server` (`kill -9`) and starts it again on the same port with the same `args`. */
  restart(server: SpawnedServer, port: number, args: readonly string[]): Promise<SpawnedServer>;
  client(target: string, options?: ClientOptions): ChatClient;
}

/** Registers the hooks that clean up after each test, and returns the {@link ChatWorld}. */
export function useChatWorld(): ChatWorld {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-client-chat-"));
  const servers: SpawnedServer[] = [];
  const clients: ChatClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(servers.splice(0).map(killProcess));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let stores = 0;
  const storePath = (name: string) => join(dir, name);
  const start = async (port = 0, args: readonly string[] = []) => {
    const store = args.includes("--store")
      ? []
      : ["--store", `sqlite:${storePath(`chat-${++stores}.sqlite`)}`];
    const server = await startChatProcess(port, [...store, ...args]);
    servers.push(server);
    return server;
  };
  return {
    storePath,
    start,
    async restart(server, port, args) {
      await killProcess(server);
      servers.splice(servers.indexOf(server), 1);
      // The port is free once the process is gone. `freePort` draws it from below the ephemeral
      // range, so no connection or `listen(0)` is given it meanwhile; only another test drawing
      // the same port could take it, and the start is tried again for a few seconds in case.
      for (let tries = 1; ; tries++) {
        try {
          return await start(port, args);
        } catch (error) {
          if (tries >= RESTART_TRIES || !String(error).includes(PORT_TAKEN)) throw error;
          await sleep(RESTART_RETRY_MS);
        }
      }
    },
    client(target, options) {
      const client = createChatClient(target, options);
      clients.push(client);
      return client;
    },
  };
}

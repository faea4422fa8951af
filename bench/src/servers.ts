import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerSpec } from "./process/server-process.js";

/** Chat readers' queue limit, passed to fibchat and the baseline alike so both cut off alike. */
export const CHAT_MAX_QUEUE = 1000;

/** The servers the scenarios start. */
export interface ServerCatalog {
  /**
   * fibchat's Fibonacci server; `info` logs one line per call, as its default does; `metrics`
   * serves Prometheus metrics on a port of its own (`--metrics-address 127.0.0.1:0`).
   */
  fibonacci(logLevel?: "warn" | "info", options?: { readonly metrics?: boolean }): ServerSpec;
  /** fibchat's chat server; each `sqlite` spec opens a fresh database file. */
  chat(store: "memory" | "sqlite", logLevel?: "warn" | "info"): ServerSpec;
  /** The chat server given by `--before-chat` (another commit's build), memory store, if any. */
  readonly chatBefore: ServerSpec | undefined;
  /** The Fibonacci server given by `--before` (another commit's build), if any. */
  readonly fibonacciBefore: ServerSpec | undefined;
  /** The bare grpc-js Fibonacci baseline. */
  readonly bareFibonacci: ServerSpec;
  /** The bare grpc-js chat baseline (acks at once, relays, stores nothing). */
  readonly bareChat: ServerSpec;
}

const BASELINE_MAIN = fileURLToPath(new URL("./baseline/main.js", import.meta.url));

/**
 * Server specs. `scratchDir` holds the SQLite files; `nodeArgs` are added to fibchat's servers
 * only (e.g. `--cpu-prof`), since they are the ones under study. `beforeMain` is the script of
 * the `--before` Fibonacci server, `beforeChatMain` that of the `--before-chat` chat server.
 */
export function serverCatalog(
  scratchDir: string,
  nodeArgs: readonly string[] = [],
  beforeMain?: string,
  beforeChatMain?: string,
): ServerCatalog {
  const fibonacciMain = binOf("@fibchat/fibonacci-server");
  const chatMain = binOf("@fibchat/chat-server");
  let databases = 0;
  const chatArgs = (store: "memory" | "sqlite", logLevel: "warn" | "info") => [
    "--log-level",
    logLevel,
    "--max-queue",
    String(CHAT_MAX_QUEUE),
    // Limits off: the scenarios pipeline thousands of posts and open 100+ sessions from one
    // address, and measure the server, not its protection against one client.
    "--post-rate",
    "0",
    "--max-sessions-per-user",
    "0",
    "--store",
    store === "memory" ? "memory" : `sqlite:${join(scratchDir, `chat-${++databases}.sqlite`)}`,
  ];
  return {
    fibonacci: (logLevel = "warn", { metrics = false } = {}) => ({
      name: `fibchat${logLevel === "warn" ? "" : " (log info)"}${metrics ? " (metrics on)" : ""}`,
      main: fibonacciMain,
      nodeArgs,
      args: ["--log-level", logLevel, ...(metrics ? ["--metrics-address", "127.0.0.1:0"] : [])],
    }),
    chat: (store, logLevel = "warn") => ({
      name: `fibchat (${store})`,
      main: chatMain,
      nodeArgs,
      args: chatArgs(store, logLevel),
    }),
    chatBefore:
      beforeChatMain === undefined
        ? undefined
        : {
            name: "fibchat before (memory)",
            main: beforeChatMain,
            nodeArgs,
            args: chatArgs("memory", "warn"),
          },
    fibonacciBefore:
      beforeMain === undefined
        ? undefined
        : { name: "fibchat before", main: beforeMain, nodeArgs, args: ["--log-level", "warn"] },
    bareFibonacci: {
      name: "bare grpc-js",
      main: BASELINE_MAIN,
      nodeArgs: [],
      args: ["--service", "fibonacci"],
    },
    bareChat: {
      name: "bare grpc-js",
      main: BASELINE_MAIN,
      nodeArgs: [],
      args: ["--service", "chat", "--max-queue", String(CHAT_MAX_QUEUE)],
    },
  };
}

/** The script a workspace package names in its `bin` field: the built server. */
function binOf(name: string): string {
  const manifestPath = createRequire(import.meta.url).resolve(`${name}/package.json`);
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, "utf8"));
  const bin =
    typeof manifest === "object" && manifest !== null && "bin" in manifest
      ? manifest.bin
      : undefined;
  const script =
    typeof bin === "string"
      ? bin
      : typeof bin === "object" && bin !== null
        ? Object.values(bin).find((value) => typeof value === "string")
        : undefined;
  if (typeof script !== "string") throw new Error(`${name} has no bin to run`);
  return resolve(dirname(manifestPath), script);
}

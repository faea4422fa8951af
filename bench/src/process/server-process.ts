import { type ChildProcessByStdio, spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@fibchat/server-kit/testing";
import { trackChild } from "./child-registry.js";
import { readMemoryUse } from "./proc-stats.js";

/** How to start one server under test. */
export interface ServerSpec {
  /** As the results name it, e.g. `fibchat (sqlite)`. */
  readonly name: string;
  /** The script Node runs. */
  readonly main: string;
  /** Flags for Node itself, before the script (e.g. `--cpu-prof`). */
  readonly nodeArgs: readonly string[];
  /** Flags after `--port N`. */
  readonly args: readonly string[];
}

/**
 * What counts as started: the `listening` log line (the start-up scenario, run at info level),
 * or the first accepted TCP connection (every other run, whatever the log level).
 */
export type Readiness = "listening-line" | "first-connection";

/** A server process started by {@link startServer}. */
export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  /** From `spawn` to the {@link Readiness} asked for. */
  readonly startupMs: number;
  /** VmHWM: the most memory the process has held at once. */
  peakRssBytes(): Promise<number>;
  /** Stops it with SIGTERM (SIGKILL after a few seconds) and waits for the exit. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts `node <main> --port <free port> …args` and resolves once it is ready.
 *
 * The harness picks the port and, outside the start-up scenario, takes the first accepted
 * connection as ready, so that it depends on neither the log format nor the log level (before
 * 9ef1c59 the servers printed no `listening` line under `--log-level warn`). stdout is drained
 * without being parsed (after the `listening` line, if waited for), so that info-level access
 * logs cost the benchmark process nothing.
 */
export async function startServer(
  spec: ServerSpec,
  readiness: Readiness = "first-connection",
): Promise<RunningServer> {
  const port = await freePort();
  const address = `${HOST}:${port}`;
  const startedAt = performance.now();
  const argv = [...spec.nodeArgs, spec.main, "--port", String(port), ...spec.args];
  const child = spawn(process.execPath, argv, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);
  const exited = once(child, "exit");
  const stderr = tail(child.stderr);
  const abort = new AbortController();
  try {
    if (readiness === "first-connection") child.stdout.resume();
    await Promise.race([
      readiness === "listening-line"
        ? listeningLine(child.stdout)
        : acceptsConnections(port, abort.signal),
      exited.then(([code]) => {
        throw new Error(`${spec.name} exited with ${code} before listening: ${stderr()}`);
      }),
      sleep(START_TIMEOUT_MS, undefined, { signal: abort.signal }).then(() => {
        throw new Error(`${spec.name} did not listen within ${START_TIMEOUT_MS} ms: ${stderr()}`);
      }),
    ]);
    return {
      name: spec.name,
      pid: pidOf(child),
      address,
      startupMs: performance.now() - startedAt,
      peakRssBytes: async () => (await readMemoryUse(pidOf(child))).peakRssBytes,
      stop: () => stop(child, exited),
    };
  } catch (error) {
    await stop(child, exited);
    throw error;
  } finally {
    abort.abort();
  }
}

function pidOf(child: { pid?: number | undefined }): number {
  if (child.pid === undefined) throw new Error("the server process has no pid: spawn failed");
  return child.pid;
}

async function stop(
  child: ChildProcessByStdio<null, Readable, Readable>,
  exited: Promise<unknown>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Resolves on a JSON log line whose `msg` starts with `listening`; then just drains. */
function listeningLine(stdout: Readable): Promise<void> {
  return new Promise((resolve) => {
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (lines.some(isListeningLine)) {
        stdout.off("data", onData);
        stdout.resume();
        resolve();
      }
    };
    stdout.on("data", onData);
  });
}

function isListeningLine(text: string): boolean {
  try {
    const line: unknown = JSON.parse(text);
    return (
      typeof line === "object" &&
      line !== null &&
      "msg" in line &&
      typeof line.msg === "string" &&
      line.msg.startsWith("listening")
    );
  } catch {
    return false;
  }
}

async function acceptsConnections(port: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: HOST, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (connected) return;
    await sleep(2);
  }
}

/** Keeps the last few kB of a stream for error messages. */
function tail(stream: Readable): () => string {
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text = (text + chunk.toString("utf8")).slice(-4096);
  });
  return () => text.trim();
}

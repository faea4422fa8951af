import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { freePort } from "@fibchat/server-kit/testing";
import { describe, type TestOptions } from "vitest";

const REDIS_SERVER = "redis-server";

/** Whether `redis-server` can be run here. */
export function redisServerInstalled(): boolean {
  return spawnSync(REDIS_SERVER, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * `describe(name, options, body)` when `redis-server` is installed. Without it the suite is skipped, and
 * says so loudly: a quiet skip would pass for a green run. CI (`.ci/run`) installs it.
 */
export function describeWithRedis(name: string, options: TestOptions, body: () => void): void {
  if (redisServerInstalled()) {
    describe(name, options, body);
    return;
  }
  console.warn(
    `\n!!! SKIPPING "${name}": ${REDIS_SERVER} is not installed (apt-get install redis-server)\n`,
  );
  describe.skip(`${name} [SKIPPED: ${REDIS_SERVER} is not installed]`, options, body);
}

/** How a test Redis keeps its data. */
export interface TestRedisOptions {
  /**
   * Appends every write to a file fsynced before the reply (`appendfsync always`), so the data
   * survives kill -9 and a restart. Otherwise nothing is written to disk.
   */
  readonly durable?: boolean;
}

/** A `redis-server` of a test's own, on 127.0.0.1 and a port no one else uses. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Kills it with SIGKILL (no chance to save or say goodbye) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again, on the same port and data directory, and waits until it accepts commands. */
  restart(): Promise<void>;
  /** Kills it and deletes its data directory. */
  stop(): Promise<void>;
}

/** Starts a fresh `redis-server` in a temporary directory and waits until it accepts commands. */
export async function startRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-redis-"));
  const persistence = options.durable
    ? ["--appendonly", "yes", "--appendfsync", "always"]
    : ["--appendonly", "no"];
  let port = 0;
  let child: ChildProcessByStdio<null, Readable, null> | undefined;
  const launch = async () => {
    child = await runRedis(["--port", String(port), "--dir", dir, ...persistence]);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGKILL");
    await exited;
  };

  // The port was free a moment ago; another process may take it meanwhile, so try a few.
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    try {
      await launch();
    } catch (error) {
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `redis-server` on 127.0.0.1 with `args` until its log says it accepts connections (after
 * loading any data); the single-Redis and cluster harnesses both start servers with it.
 */
export async function runRedis(args: readonly string[]) {
  const child = spawn(
    REDIS_SERVER,
    ["--bind", "127.0.0.1", "--save", "", "--daemonize", "no", "--logfile", "", ...args],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with ${code} at start:\n${output.join("\n")}`)),
    );
    createInterface({ input: child.stdout }).on("line", (line) => {
      output.push(line);
      if (line.includes("Ready to accept connections")) resolve();
    });
  });
  child.removeAllListeners("exit");
  return child;
}

import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { freeClusterPort, freePort } from "@fibchat/server-kit/testing";

const run = promisify(execFile);

/** Redis servers started for a scenario: where to point `--store`, and how to stop them. */
export interface RedisDeployment {
  /** `redis://…` or `redis-cluster://…`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Whether `redis-server` and `redis-cli` can be run here. */
export function redisInstalled(): boolean {
  return ["redis-server", "redis-cli"].every(
    (tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0,
  );
}

/** One `redis-server` with `appendfsync always`, in a temporary directory. */
export async function startRedis(): Promise<RedisDeployment> {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-bench-redis-"));
  const { port, child } = await launchOnFreePort(freePort, dir, []);
  return { url: `redis://127.0.0.1:${port}`, stop: () => stop([child], dir) };
}

/**
 * A 3-master / 3-replica Redis Cluster (`appendfsync always` on every node), created with
 * `redis-cli --cluster create … --cluster-replicas 1`; resolves once every replica is in sync.
 */
export async function startRedisCluster(): Promise<RedisDeployment> {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-bench-cluster-"));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  try {
    for (let index = 0; index < 6; index++) {
      const { port, child } = await launchOnFreePort(freeClusterPort, join(dir, `node-${index}`), [
        "--cluster-enabled",
        "yes",
        "--cluster-node-timeout",
        "1000",
      ]);
      children.push(child);
      ports.push(port);
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run("redis-cli", [
      "--cluster",
      "create",
      ...addresses,
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    for (;;) {
      const ready = await Promise.all(
        ports.map(async (port) => {
          const info = (await run("redis-cli", ["-p", String(port), "CLUSTER", "INFO"])).stdout;
          const role = (await run("redis-cli", ["-p", String(port), "INFO", "replication"])).stdout;
          return (
            info.includes("cluster_state:ok") &&
            (role.includes("role:master") || role.includes("master_link_status:up"))
          );
        }),
      );
      if (ready.every(Boolean)) break;
      // Redis reports these states only when asked.
      await delay(100);
    }
    return { url: `redis-cluster://${addresses.join(",")}`, stop: () => stop(children, dir) };
  } catch (error) {
    await stop(children, dir);
    throw error;
  }
}

async function stop(children: readonly ChildProcess[], dir: string): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Launches `redis-server` on a port from `pick`, with its data in an empty `dir`. The port was
 * free a moment ago and another process may take it meanwhile, so a failed start is tried again
 * on a new port and an emptied `dir`, twice.
 */
async function launchOnFreePort(
  pick: () => Promise<number>,
  dir: string,
  extra: readonly string[],
): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await pick();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      return { port, child: await launch(port, dir, extra) };
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function launch(port: number, dir: string, extra: readonly string[]): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--daemonize",
      "no",
      "--logfile",
      "",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with ${code} at start:\n${output.join("\n")}`)),
    );
    if (child.stdout === null) return reject(new Error("redis-server has no stdout"));
    createInterface({ input: child.stdout }).on("line", (line) => {
      output.push(line);
      if (line.includes("Ready to accept connections")) resolve();
    });
  });
  child.removeAllListeners("exit");
  return child;
}

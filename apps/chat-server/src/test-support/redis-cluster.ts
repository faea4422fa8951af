import { type ChildProcessByStdio, execFile, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { freeClusterPort } from "@fibchat/server-kit/testing";
import { describe, type TestOptions } from "vitest";
import { runRedis } from "./redis-server.js";

const run = promisify(execFile);

/** Whether `redis-server` and `redis-cli` (for `--cluster create`) can be run here. */
export function redisClusterToolsInstalled(): boolean {
  return ["redis-server", "redis-cli"].every(
    (tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0,
  );
}

/**
 * `describe(name, options, body)` when a cluster can be built here; otherwise the suite is
 * skipped and says so loudly, as `describeWithRedis` does. CI (`.ci/run`) installs both tools.
 */
export function describeWithRedisCluster(
  name: string,
  options: TestOptions,
  body: () => void,
): void {
  if (redisClusterToolsInstalled()) {
    describe(name, options, body);
    return;
  }
  console.warn(
    `\n!!! SKIPPING "${name}": redis-server or redis-cli is not installed (apt-get install redis-server)\n`,
  );
  describe.skip(`${name} [SKIPPED: redis-server/redis-cli not installed]`, options, body);
}

/** One `redis-server` of a test cluster. */
export interface ClusterNode {
  readonly port: number;
  /** Whether it is running (not killed). */
  readonly running: boolean;
  /** Kills it with SIGKILL and waits for it to exit. */
  kill(): Promise<void>;
  /**
   * Starts it again on its port and data (its `nodes.conf` too): it rejoins the cluster, as the
   * replica of whoever took its slots over meanwhile. Resolves once it accepts commands.
   */
  restart(): Promise<void>;
}

/** A 3-master / 3-replica Redis Cluster of a test's own, on 127.0.0.1. */
export interface TestCluster {
  readonly nodes: readonly ClusterNode[];
  /** `redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…` naming every node. */
  readonly url: string;
  /** `redis-cli` against a running node; resolves with its output. */
  cli(...args: string[]): Promise<string>;
  /** The port of the master now serving the slot of `key` (as a running node sees it). */
  masterOf(key: string): Promise<number>;
  /** Resolves once every running node reports `cluster_state:ok` and agrees on the masters. */
  untilHealthy(): Promise<void>;
  /** Kills every node and deletes their data. */
  stop(): Promise<void>;
}

const NODE_COUNT = 6;

/**
 * Starts six `redis-server` processes (`cluster-enabled yes`, a 1 s `cluster-node-timeout`, AOF
 * with `appendfsync always`) on free ports, joins them with `redis-cli --cluster create …
 * --cluster-replicas 1`, and resolves once the cluster is healthy.
 */
export async function startRedisCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-cluster-"));
  const nodes: ClusterNode[] = [];
  try {
    for (let index = 0; index < NODE_COUNT; index++) nodes.push(await startNode(dir, index));
    const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`);
    await run("redis-cli", [
      "--cluster",
      "create",
      ...addresses,
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const running = () => nodes.filter((node) => node.running);
  async function cli(...args: string[]): Promise<string> {
    const node = running()[0];
    if (node === undefined) throw new Error("no cluster node is running");
    const { stdout } = await run("redis-cli", ["-p", String(node.port), ...args]);
    return stdout;
  }

  const cluster: TestCluster = {
    nodes,
    url: `redis-cluster://${nodes.map(({ port }) => `127.0.0.1:${port}`).join(",")}`,
    cli,
    async masterOf(key) {
      const slot = Number((await cli("CLUSTER", "KEYSLOT", key)).trim());
      for (const line of (await cli("CLUSTER", "NODES")).split("\n")) {
        const [, address, flags, , , , , , ...slots] = line.split(" ");
        if (address === undefined || !flags?.includes("master") || flags.includes("fail")) continue;
        for (const range of slots) {
          const [from, to = from] = range.split("-").map(Number);
          if (from !== undefined && to !== undefined && slot >= from && slot <= to) {
            return Number(address.split(":")[1]?.split("@")[0]);
          }
        }
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    async untilHealthy() {
      for (;;) {
        const states = await Promise.all(
          running().map(async ({ port }) => {
            const info = (await run("redis-cli", ["-p", String(port), "CLUSTER", "INFO"])).stdout;
            const replication = (
              await run("redis-cli", ["-p", String(port), "INFO", "replication"])
            ).stdout;
            // Healthy: the cluster serves every slot, no master is a dead one, and each replica
            // has its master's data (a replica still syncing cannot be promoted, nor acknowledge WAIT).
            return (
              info.includes("cluster_state:ok") &&
              !(await cli("CLUSTER", "NODES")).split("\n").some(servedByFailedNode) &&
              (replication.includes("role:master") || replication.includes("master_link_status:up"))
            );
          }),
        );
        if (states.every(Boolean)) return;
        // Polling a state Redis only reports on request: there is no event to wait for.
        await delay(100);
      }
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.untilHealthy();
  return cluster;
}

/** Whether a `CLUSTER NODES` line is a failed (or suspected) node that still serves slots. */
function servedByFailedNode(line: string): boolean {
  const [, , flags, , , , , , ...slots] = line.split(" ");
  return flags?.includes("fail") === true && slots.some((range) => /^[0-9]/.test(range));
}

async function startNode(dir: string, index: number): Promise<ClusterNode> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeClusterPort();
    const nodeDir = join(dir, `node-${index}`);
    rmSync(nodeDir, { recursive: true, force: true });
    mkdirSync(nodeDir, { recursive: true });
    try {
      let child: ChildProcessByStdio<null, Readable, null> | undefined = await launch(
        port,
        nodeDir,
      );
      const watch = (process: ChildProcessByStdio<null, Readable, null>) =>
        process.once("exit", () => {
          if (child === process) child = undefined;
        });
      watch(child);
      return {
        port,
        get running() {
          return child !== undefined;
        },
        async kill() {
          const running = child;
          if (running === undefined) return;
          const exited = once(running, "exit");
          running.kill("SIGKILL");
          await exited;
        },
        async restart() {
          if (child !== undefined) return;
          child = await launch(port, nodeDir);
          watch(child);
        },
      };
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Runs a cluster-enabled `redis-server` until its log says it accepts connections. */
function launch(port: number, dir: string) {
  return runRedis([
    "--port",
    String(port),
    "--dir",
    dir,
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    "nodes.conf",
    "--cluster-node-timeout",
    "1000",
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
  ]);
}

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@fibchat/server-kit/testing";
import { waitFor } from "./poll.js";

/** The Prometheus binary on this machine (Debian's `prometheus` package), if any. */
export function prometheusBinary(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v prometheus"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path !== "" ? path : undefined;
}

/** A Prometheus server started for one test. */
export interface TestPrometheus {
  /** `http://127.0.0.1:PORT`, its HTTP API's base. */
  readonly url: string;
  /** Waits until every target's last scrape succeeded. */
  waitForTargetsUp(): Promise<void>;
  /** The value of an instant query with a single-sample result, or `undefined` when empty. */
  query(promql: string): Promise<number | undefined>;
  /** Stops it and deletes its configuration and data. */
  stop(): Promise<void>;
}

/**
 * Starts `binary` on a free port of 127.0.0.1, scraping the `/metrics` URLs of `targets` every
 * second, with its data in a temporary folder.
 */
export async function startPrometheus(
  binary: string,
  targets: readonly string[],
): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), "fibchat-prometheus-"));
  const hosts = targets.map((target) => new URL(target).host);
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  evaluation_interval: 1s",
    "scrape_configs:",
    "  - job_name: fibchat",
    "    static_configs:",
    `      - targets: [${hosts.map((host) => JSON.stringify(host)).join(", ")}]`,
    "",
  ].join("\n");
  await writeFile(join(dir, "prometheus.yml"), config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = once(child, "exit");
  const url = `http://127.0.0.1:${port}`;
  const api = async (path: string): Promise<unknown> => {
    try {
      const response = await fetch(`${url}${path}`);
      return response.ok ? await response.json() : undefined;
    } catch {
      return undefined;
    }
  };
  const describe = () => stderr.split("\n").slice(-15).join("\n");
  return {
    url,
    async waitForTargetsUp() {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`prometheus exited:\n${describe()}`);
          const health = targetHealth(await api("/api/v1/targets"));
          return health.length === targets.length && health.every((h) => h === "up");
        },
        { what: "every Prometheus target up", tries: 600, intervalMs: 100, describe },
      );
    },
    async query(promql) {
      return sampleValue(await api(`/api/v1/query?query=${encodeURIComponent(promql)}`));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `health` of each active target in a `/api/v1/targets` answer. */
function targetHealth(body: unknown): string[] {
  const active = path(body, ["data", "activeTargets"]);
  return Array.isArray(active) ? active.map((target) => String(path(target, ["health"]))) : [];
}

/** The value of the single sample of a `/api/v1/query` vector answer. */
function sampleValue(body: unknown): number | undefined {
  const result = path(body, ["data", "result"]);
  if (!Array.isArray(result) || result.length !== 1) return undefined;
  const value = path(result[0], ["value"]);
  return Array.isArray(value) ? Number(value[1]) : undefined;
}

function path(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

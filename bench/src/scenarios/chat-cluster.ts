import {
  type RedisDeployment,
  redisInstalled,
  startRedis,
  startRedisCluster,
} from "../process/redis-processes.js";
import type { ServerSpec } from "../process/server-process.js";
import { type LatencyLine, latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow, ScenarioResult } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { BenchContext, Scenario } from "./bench-context.js";
import { measurePosting } from "./chat-throughput.js";
import { cpuNote, measurementOf, problemNotes } from "./measurement.js";
import { withServers } from "./with-servers.js";

const SESSION_COUNTS = [1, 10] as const;
const TITLE = "Chat on a Redis Cluster vs one Redis (acknowledged posts)";

/**
 * Acknowledged posts per second, and post-to-ack latency, of fibchat on one Redis and on a
 * 3-master / 3-replica Redis Cluster (all on this machine, `appendfsync always` everywhere), the
 * cluster with its default `--redis-min-replicas-acked 1` (a `WAIT` for a replica before each
 * ack, twice: the message, then its confirmed mark) and with 0. On one small machine a cluster
 * cannot show scaling: the rows are for what the cluster and `WAIT` cost.
 */
export const chatClusterScenario: Scenario = {
  id: "cluster",
  async run(context) {
    if (!redisInstalled()) {
      context.log("cluster: SKIPPED, redis-server/redis-cli not installed");
      return {
        id: "cluster",
        title: TITLE,
        rows: [],
        notes: ["Not measured: redis-server and redis-cli are not installed on this machine."],
        chart: latencyChart(TITLE, "ms (log scale)", []),
      };
    }
    const deployments: RedisDeployment[] = [];
    try {
      const single = await startRedis();
      deployments.push(single);
      const cluster = await startRedisCluster();
      deployments.push(cluster);
      return await measure(context, single.url, cluster.url);
    } finally {
      await Promise.all(deployments.map((deployment) => deployment.stop()));
    }
  },
};

async function measure(
  { servers, mode, log }: BenchContext,
  singleUrl: string,
  clusterUrl: string,
): Promise<ScenarioResult> {
  const on = (name: string, store: string, extra: readonly string[] = []): ServerSpec => {
    const base = servers.chat("memory");
    const args = [...base.args];
    args[args.indexOf("--store") + 1] = store;
    return { ...base, name, args: [...args, ...extra] };
  };
  return withServers(async (start) => {
    const contenders = [
      await start(on("fibchat (redis-cluster)", clusterUrl)),
      await start(on("fibchat (one redis)", singleUrl)),
      await start(
        on("fibchat (redis-cluster, no WAIT)", clusterUrl, ["--redis-min-replicas-acked", "0"]),
      ),
    ];
    const rows: ComparisonRow[] = [];
    const notes: string[] = [];
    const lines: LatencyLine[] = [];
    for (const sessions of SESSION_COUNTS) {
      const rounds = await alternate(contenders, mode.rounds, (server, round) => {
        log(`cluster, ${sessions} session(s): ${server.name}, round ${round + 1}`);
        return measurePosting(server, sessions, mode);
      });
      const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
      const [withWait, single, noWait] = contenders.map((server, i) =>
        measurementOf(server.name, rounds[i] ?? [], peaks[i]),
      );
      if (!withWait || !single || !noWait) throw new Error("no cluster measurement");
      const who = `${sessions} session${sessions > 1 ? "s" : ""}`;
      const scenario = `chat posts acked on the cluster vs one Redis, ${who} × window 32`;
      rows.push(
        { scenario, metric: "acks/s", better: "higher", fibchat: withWait, baseline: single },
        { scenario, metric: "acks/s", better: "higher", fibchat: withWait, baseline: noWait },
      );
      notes.push(`${who}, chat-server CPU: ${cpuNote([withWait, single, noWait])}.`);
      notes.push(...contenders.flatMap((server, i) => problemNotes(server.name, rounds[i] ?? [])));
      for (const measured of [withWait, single, noWait]) {
        if (measured.latency !== undefined) {
          lines.push({ name: `${measured.server}, ${who}`, summary: measured.latency });
        }
      }
    }
    notes.push(
      "Six redis-server processes and the chat servers share this machine's cores: a cluster cannot show scaling here. The first row per session count is the cluster's price against one Redis; the second is the price of WAIT (the default --redis-min-replicas-acked 1) against acknowledging once the master has a post.",
    );
    return {
      id: "cluster",
      title: TITLE,
      rows,
      notes,
      chart: latencyChart(
        "Chat on a Redis Cluster: post-to-ack latency by percentile",
        "ms (log scale)",
        lines,
      ),
    };
  });
}

import type { ServerSpec } from "../process/server-process.js";
import { type LatencyLine, latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow } from "../report/results.js";
import { summarize } from "../stats/percentiles.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { measurementOf, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

/**
 * Start-up: from spawning `node main.js` to its `listening` log line, for each fibchat server
 * and the bare baseline process, started in turn `startupRuns` times. Run at the default log
 * level, where the servers print that line.
 */
export const startupScenario: Scenario = {
  id: "startup",
  async run({ servers, mode, log }) {
    const withInfo = (spec: ServerSpec): ServerSpec => ({
      ...spec,
      args: spec.args.map((arg) => (arg === "warn" ? "info" : arg)),
    });
    const specs = [
      () => withInfo(servers.fibonacci()),
      () => withInfo(servers.chat("memory")),
      () => withInfo(servers.chat("sqlite")),
      () => servers.bareFibonacci,
    ];
    const runs = await alternate(specs, mode.startupRuns, (spec, round) => {
      const named = spec();
      log(`start-up: ${named.name}, run ${round + 1}`);
      return withServers(async (start): Promise<Round & { peak: number }> => {
        const server = await start(named, "listening-line");
        return { value: server.startupMs, peak: await server.peakRssBytes() };
      });
    });
    const measurements = runs.map((rounds, i) => {
      const name = i === 0 ? "fibchat fibonacci" : (specs[i]?.().name ?? "?");
      const latency = summarize(rounds.map((round) => round.value));
      const peak = Math.max(...rounds.map((round) => round.peak));
      return { ...measurementOf(name, rounds, peak), latency };
    });
    const bare = measurements.at(-1);
    if (bare === undefined) throw new Error("no start-up measurement");
    const rows: ComparisonRow[] = measurements.slice(0, -1).map((fibchat) => ({
      scenario: "start-up to the listening line",
      metric: "ms",
      better: "lower",
      fibchat,
      baseline: bare,
    }));
    const lines: LatencyLine[] = measurements.flatMap((m, i) =>
      m.latency
        ? [{ name: m.server, summary: m.latency, dashed: i === measurements.length - 1 }]
        : [],
    );
    return {
      id: "startup",
      title: "Start-up",
      rows,
      notes: [
        `${mode.startupRuns} starts of each, interleaved; p50 / p99 are over the starts (with so few, p99 is the slowest). Peak RSS here is the idle process just after listening.`,
        "fibchat's servers also load reflection and health services, TLS/auth option handling and (chat) open the store; the SQLite store creates a fresh database file on each start.",
      ],
      chart: latencyChart("Start-up time by percentile", "ms (log scale)", lines),
    };
  },
};

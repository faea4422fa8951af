import { type LatencyLine, latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow, Measurement } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { layerCostByProfile } from "./layer-cost-profile.js";
import { measureUnary } from "./measure-unary.js";
import { cpuNote, measurementOf, problemNotes } from "./measurement.js";
import { accessLogLayer, metricsLayer } from "./profiled-layers.js";
import { withServers } from "./with-servers.js";

/** The concurrency at which the info-level server is measured too. */
const LOGGING_CONCURRENCY = 16;
/** Issue 14: at least as fast as bare grpc-js recomputing the same numbers, at every level. */
const TARGET_RATIO = 1;
/** Issue 14: the default log level's access log may cost at most 5 % of unary throughput. */
const LOGGING_TARGET_RATIO = 0.95;

/**
 * Unary GetSequence(count = 20) at each concurrency of the mode: fibchat against the bare
 * grpc-js baseline, both idle-logging (`--log-level warn`); at 16 in flight also fibchat at its
 * default `info`, which writes one access-log line per call, to show what that costs, and with
 * `--metrics-address` (metrics on) against the same server without it.
 */
export const unaryScenario: Scenario = {
  id: "unary",
  run: (context) =>
    withServers(async (start) => {
      const { servers, mode, log } = context;
      const fibchat = await start(servers.fibonacci("warn"));
      const bare = await start(servers.bareFibonacci);
      const logging = await start(servers.fibonacci("info"));
      const metered = await start(servers.fibonacci("warn", { metrics: true }));
      // A second process of the same server: how far two identical servers' calls/s differ in
      // one run, i.e. what this machine can resolve.
      const twin = await start({ ...servers.fibonacci("warn"), name: "fibchat (second process)" });
      const rows: ComparisonRow[] = [];
      const notes: string[] = [];
      const lines: LatencyLine[] = [];
      for (const concurrency of mode.unaryConcurrency) {
        const contenders =
          concurrency === LOGGING_CONCURRENCY
            ? [fibchat, bare, logging, metered, twin]
            : [fibchat, bare];
        const rounds = await alternate(contenders, mode.rounds, (server, round) => {
          log(`unary, ${concurrency} in flight: ${server.name}, round ${round + 1}`);
          return measureUnary(context.load, server, concurrency, mode.warmupMs, mode.roundMs);
        });
        const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
        const [ours, theirs, withLogs, withMetrics, again] = contenders.map((server, i) =>
          measurementOf(server.name, rounds[i] ?? [], peaks[i]),
        );
        if (ours === undefined || theirs === undefined) throw new Error("no unary measurement");
        const scenario = `unary GetSequence(20), ${concurrency} in flight`;
        rows.push({
          scenario,
          metric: "calls/s",
          better: "higher",
          fibchat: ours,
          baseline: theirs,
          target: {
            description: `≥ ${TARGET_RATIO}× baseline`,
            met: ours.value >= TARGET_RATIO * theirs.value,
          },
        });
        if (withLogs !== undefined) {
          rows.push({
            scenario: `${scenario}, default log level`,
            metric: "calls/s",
            better: "higher",
            fibchat: withLogs,
            baseline: ours,
            target: {
              description: `≥ ${LOGGING_TARGET_RATIO}× log level warn`,
              met: withLogs.value >= LOGGING_TARGET_RATIO * ours.value,
            },
          });
          const byProfile = await layerCostByProfile(
            context,
            start,
            concurrency,
            scenario,
            accessLogLayer(servers),
          );
          rows.push(byProfile.row);
          notes.push(...byProfile.notes);
        }
        if (withMetrics !== undefined) {
          rows.push({
            scenario: `${scenario}: metrics on vs off`,
            metric: "calls/s",
            better: "higher",
            fibchat: withMetrics,
            baseline: ours,
          });
          const byProfile = await layerCostByProfile(
            context,
            start,
            concurrency,
            scenario,
            metricsLayer(servers),
          );
          rows.push(byProfile.row);
          notes.push(...byProfile.notes);
        }
        if (again !== undefined) {
          rows.push({
            scenario: `${scenario}: the same server, a second process (noise floor)`,
            metric: "calls/s",
            better: "higher",
            fibchat: again,
            baseline: ours,
          });
        }
        const measured = [
          ours,
          theirs,
          ...(withLogs ? [withLogs] : []),
          ...(withMetrics ? [withMetrics] : []),
          ...(again ? [again] : []),
        ];
        notes.push(`${concurrency} in flight, server CPU: ${cpuNote(measured)}.`);
        notes.push(`${concurrency} in flight, server CPU per call: ${cpuPerCallNote(measured)}.`);
        notes.push(
          ...contenders.flatMap((server, i) => problemNotes(server.name, rounds[i] ?? [])),
        );
        for (const [measured, dashed] of [
          [ours, false],
          [theirs, true],
        ] as const) {
          if (measured.latency === undefined) continue;
          const name = `${measured.server}, ${concurrency} in flight`;
          lines.push({ name, summary: measured.latency, dashed });
        }
      }
      notes.push(
        "Every server runs with `--log-level warn` except the `log info` row: at info, fibchat writes one access-log line per call (written once per event-loop turn) to a pipe the harness drains.",
        "The `metrics on` row runs the same server with `--metrics-address 127.0.0.1:0`: every call is counted (gRPC counters and latency histogram); nothing scrapes during the rounds, and a scrape's own cost is paid only when Prometheus asks.",
        "Issue 13's target (metrics cost ≤ 3 %) is held to the `by profile` row, not to calls/s: the `second process` row measures one server against an identical one, and on this 2-core virtual machine the two differ by more than 3 % from run to run (15–20 % seen), because the machine's speed moves between rounds. A profile's shares do not move with it.",
        `Load: ${context.load.description}; calls spread over up to 4 connections; each round is ${mode.warmupMs} ms of warm-up, then ${mode.roundMs} ms measured.`,
      );
      return {
        id: "unary",
        title: "Unary GetSequence(count = 20)",
        rows,
        notes,
        chart: latencyChart(
          "Unary GetSequence(20): latency by percentile",
          "latency (ms, log scale)",
          lines,
        ),
      };
    }),
};

/**
 * CPU time each server spent per call (its CPU share over its throughput): unlike calls/s, this
 * barely moves when other processes share the cores, so it shows a per-call cost (an interceptor,
 * the access log) even on a busy machine.
 */
function cpuPerCallNote(measured: readonly Measurement[]): string {
  return measured
    .map(({ server, cpuPercent, value }) =>
      cpuPercent === undefined || value <= 0
        ? `${server} –`
        : `${server} ${(((cpuPercent / 100) * 1e6) / value).toFixed(1)} µs`,
    )
    .join(" / ");
}

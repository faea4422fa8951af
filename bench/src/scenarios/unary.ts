import type { LoadGenerator } from "../load/load-generator.js";
import { startCpuMeter } from "../process/proc-stats.js";
import type { RunningServer } from "../process/server-process.js";
import { type LatencyLine, latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow, Measurement } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { cpuNote, measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const REQUEST = { start: 0, count: 20 };
/** The concurrency at which the info-level server is measured too. */
const LOGGING_CONCURRENCY = 16;
/** Issue 14: at least as fast as bare grpc-js recomputing the same numbers, at every level. */
const TARGET_RATIO = 1;
/** Issue 14: the default log level's access log may cost at most 5 % of unary throughput. */
const LOGGING_TARGET_RATIO = 0.95;
/** Issue 13: serving metrics may cost at most 3 % of unary throughput. */
const METRICS_TARGET_RATIO = 0.97;

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
      const rows: ComparisonRow[] = [];
      const notes: string[] = [];
      const lines: LatencyLine[] = [];
      for (const concurrency of mode.unaryConcurrency) {
        const contenders =
          concurrency === LOGGING_CONCURRENCY ? [fibchat, bare, logging, metered] : [fibchat, bare];
        const rounds = await alternate(contenders, mode.rounds, (server, round) => {
          log(`unary, ${concurrency} in flight: ${server.name}, round ${round + 1}`);
          return measureUnary(context.load, server, concurrency, mode.warmupMs, mode.roundMs);
        });
        const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
        const [ours, theirs, withLogs, withMetrics] = contenders.map((server, i) =>
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
        }
        if (withMetrics !== undefined) {
          rows.push({
            scenario: `${scenario}: metrics on vs off`,
            metric: "calls/s",
            better: "higher",
            fibchat: withMetrics,
            baseline: ours,
            target: {
              description: `≥ ${METRICS_TARGET_RATIO}× metrics off`,
              met: withMetrics.value >= METRICS_TARGET_RATIO * ours.value,
            },
          });
        }
        const measured = [
          ours,
          theirs,
          ...(withLogs ? [withLogs] : []),
          ...(withMetrics ? [withMetrics] : []),
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

async function measureUnary(
  load: LoadGenerator,
  server: RunningServer,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
): Promise<Round> {
  const cpu = await startCpuMeter(server.pid);
  const result = await load.unary(server.address, {
    request: REQUEST,
    concurrency,
    warmupMs,
    durationMs,
  });
  return {
    value: result.completed / result.seconds,
    latency: result.latency,
    cpuPercent: await cpu(),
    problems: result.problems,
  };
}

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

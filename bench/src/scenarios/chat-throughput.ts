import { randomUUID } from "node:crypto";
import { startAgent } from "../agents/start-agent.js";
import { startCpuMeter } from "../process/proc-stats.js";
import type { RunningServer } from "../process/server-process.js";
import { type LatencyLine, latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { BenchMode, Scenario } from "./bench-context.js";
import { cpuNote, measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const SESSION_COUNTS = [1, 10] as const;
const WINDOW = 32;
const TEXT_BYTES = 64;
/** Issue 14's targets for the SQLite store against the memory store, by session count. */
const SQLITE_TARGETS: Record<(typeof SESSION_COUNTS)[number], number> = { 1: 0.8, 10: 0.9 };

/**
 * Acknowledged posts per second from 1 and from 10 sessions, each keeping 32 posts
 * unacknowledged: fibchat with SQLite, fibchat in memory, and the bare echo baseline. Each session
 * posts to a room of its own, so the number is storing and acknowledging, not fan-out.
 */
export const chatThroughputScenario: Scenario = {
  id: "chat",
  run: ({ servers, mode, log }) =>
    withServers(async (start) => {
      const contenders = [
        await start(servers.chat("sqlite")),
        await start(servers.chat("memory")),
        await start(servers.bareChat),
      ];
      if (servers.chatBefore) contenders.push(await start(servers.chatBefore));
      const rows: ComparisonRow[] = [];
      const notes: string[] = [];
      const lines: LatencyLine[] = [];
      for (const sessions of SESSION_COUNTS) {
        const rounds = await alternate(contenders, mode.rounds, (server, round) => {
          log(`chat, ${sessions} session(s): ${server.name}, round ${round + 1}`);
          return measurePosting(server, sessions, mode);
        });
        const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
        const [sqlite, memory, bare, before] = contenders.map((server, i) =>
          measurementOf(server.name, rounds[i] ?? [], peaks[i]),
        );
        if (!sqlite || !memory || !bare) throw new Error("no chat measurement");
        const who = `${sessions} session${sessions > 1 ? "s" : ""}`;
        const scenario = `chat posts acked, ${who} × window ${WINDOW}`;
        rows.push(
          {
            scenario,
            metric: "acks/s",
            better: "higher",
            fibchat: sqlite,
            baseline: memory,
            target: {
              description: `≥ ${SQLITE_TARGETS[sessions]}× memory store`,
              met: sqlite.value >= SQLITE_TARGETS[sessions] * memory.value,
            },
          },
          { scenario, metric: "acks/s", better: "higher", fibchat: memory, baseline: bare },
          ...(before === undefined
            ? []
            : [
                {
                  scenario,
                  metric: "acks/s",
                  better: "higher" as const,
                  fibchat: memory,
                  baseline: before,
                },
              ]),
        );
        notes.push(
          `${who}, server CPU: ${cpuNote([sqlite, memory, bare, ...(before ? [before] : [])])}.`,
        );
        notes.push(
          ...contenders.flatMap((server, i) => problemNotes(server.name, rounds[i] ?? [])),
        );
        for (const [measured, dashed] of [
          [sqlite, false],
          [memory, false],
          [bare, true],
          ...(before ? ([[before, true]] as const) : []),
        ] as const) {
          if (measured.latency === undefined) continue;
          lines.push({
            name: `${measured.server}, ${who}`,
            summary: measured.latency,
            dashed,
          });
        }
      }
      notes.push(
        `Latency is post to ack. Texts are ${TEXT_BYTES} bytes; each session has its own connection. The SQLite store commits with synchronous=FULL (an fsync per group commit) on the machine's disk.`,
        "Peak RSS of the memory store grows with every message it keeps, across rounds.",
      );
      return {
        id: "chat",
        title: "Chat throughput (acknowledged posts)",
        rows,
        notes,
        chart: latencyChart("Chat: post-to-ack latency by percentile", "ms (log scale)", lines),
      };
    }),
};

/**
 * One round of `sessions` sessions posting (each with a window of 32 unacknowledged posts, to a
 * room of its own) to `server`: acknowledged posts per second, latency and server CPU.
 */
export async function measurePosting(
  server: RunningServer,
  sessions: number,
  mode: BenchMode,
): Promise<Round> {
  const agent = startAgent(
    "chat-post",
    {
      target: server.address,
      sessions,
      window: WINDOW,
      "text-bytes": TEXT_BYTES,
      run: randomUUID().slice(0, 8),
      "warmup-ms": mode.warmupMs,
      "duration-ms": mode.roundMs,
    },
    mode.warmupMs + mode.roundMs + 60_000,
  );
  await agent.milestone("measuring");
  const cpu = await startCpuMeter(server.pid);
  await agent.milestone("measured");
  const cpuPercent = await cpu();
  const report = await agent.report;
  return {
    value: report.completed / report.seconds,
    latency: report.latency,
    cpuPercent,
    problems:
      report.failures > 0 ? [`${report.failures} sessions failed: ${report.firstFailure}`] : [],
  };
}

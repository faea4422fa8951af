import { randomUUID } from "node:crypto";
import type { AgentReport } from "../agents/agent-report.js";
import { startAgent } from "../agents/start-agent.js";
import { startCpuMeter } from "../process/proc-stats.js";
import type { RunningServer } from "../process/server-process.js";
import type { Round } from "./measurement.js";

/** Receiving sessions in every fan-out round. */
export const FAN_OUT_SESSIONS = 100;

/** One fan-out round: the receivers' and the poster's reports, p99 delivery latency as value. */
export interface FanOutRound extends Round {
  readonly receivers: AgentReport;
  readonly poster: AgentReport;
}

/**
 * One round of fan-out: {@link FAN_OUT_SESSIONS} sessions join a fresh room (in one receiving
 * process), then one poster (in another) posts at `rate` per second for `durationMs`. Receivers
 * give up `drainGraceMs` after the posting ends; what has not arrived by then counts as lost.
 * Server CPU is measured while posting.
 */
export async function fanOutRound(
  server: RunningServer,
  rate: number,
  durationMs: number,
  drainGraceMs: number,
): Promise<FanOutRound> {
  const room = `fan-out-${randomUUID().slice(0, 8)}`;
  const expect = Math.round((rate * durationMs) / 1000);
  const receivers = startAgent(
    "fan-out-receive",
    {
      target: server.address,
      room,
      sessions: FAN_OUT_SESSIONS,
      expect,
      "timeout-ms": durationMs + drainGraceMs,
    },
    durationMs + drainGraceMs + 60_000,
  );
  await receivers.milestone("ready");
  const poster = startAgent(
    "fan-out-post",
    { target: server.address, room, rate, "duration-ms": durationMs },
    durationMs + 60_000,
  );
  await poster.milestone("posting");
  const serverCpu = await startCpuMeter(server.pid);
  await poster.milestone("posted");
  const cpuPercent = await serverCpu();
  const [posterReport, receiverReport] = await Promise.all([poster.report, receivers.report]);
  const problems = [posterReport, receiverReport].flatMap((report) =>
    report.failures > 0 ? [`${report.failures} sessions failed: ${report.firstFailure}`] : [],
  );
  return {
    value: receiverReport.latency.p99,
    latency: receiverReport.latency,
    cpuPercent,
    problems,
    receivers: receiverReport,
    poster: posterReport,
  };
}

/** True when every session received every message: none lost, none cut off, no failure. */
export function deliveredAll(round: FanOutRound): boolean {
  return (
    round.receivers.completed >= (round.receivers.counters.expected ?? 0) &&
    (round.receivers.counters.cutOff ?? 0) === 0 &&
    round.receivers.failures === 0 &&
    round.poster.failures === 0
  );
}

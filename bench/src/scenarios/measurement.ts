import type { Measurement } from "../report/results.js";
import { type LatencySummary, median, medianSummary } from "../stats/percentiles.js";

/** What one measured round gave. */
export interface Round {
  /** The row's metric in this round. */
  readonly value: number;
  readonly latency?: LatencySummary;
  /** Server CPU during the round, % of one core. */
  readonly cpuPercent?: number;
  /** Failures and wrong answers seen in the round. */
  readonly problems?: readonly string[];
}

/** Medians of a contender's rounds, as a table cell. */
export function measurementOf(
  server: string,
  rounds: readonly Round[],
  peakRssBytes?: number,
): Measurement {
  const latencies = rounds.flatMap((round) => (round.latency ? [round.latency] : []));
  const cpu = rounds.flatMap((round) => (round.cpuPercent === undefined ? [] : [round.cpuPercent]));
  return {
    server,
    value: median(rounds.map((round) => round.value)),
    rounds: rounds.map((round) => round.value),
    ...(latencies.length > 0 && { latency: medianSummary(latencies) }),
    ...(cpu.length > 0 && { cpuPercent: median(cpu) }),
    ...(peakRssBytes !== undefined && { peakRssBytes }),
  };
}

/** Notes for every problem a contender's rounds hit, so the report cannot hide them. */
export function problemNotes(server: string, rounds: readonly Round[]): string[] {
  const problems = [...new Set(rounds.flatMap((round) => round.problems ?? []))];
  return problems.map(
    (problem) => `**${server}: ${problem}** (the numbers of this row are suspect)`,
  );
}

/** `fibchat 97% / bare grpc-js 64%` for the notes. */
export function cpuNote(measurements: readonly Measurement[]): string {
  return measurements
    .map((m) => `${m.server} ${m.cpuPercent === undefined ? "–" : `${Math.round(m.cpuPercent)}%`}`)
    .join(" / ");
}

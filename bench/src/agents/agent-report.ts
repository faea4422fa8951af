import { type LatencySummary, PERCENTILE_GRID } from "../stats/percentiles.js";

/** What a load agent measured, sent to the harness when it is done. */
export interface AgentReport {
  /** Operations finished in the measured window: calls, streams, acks or deliveries. */
  readonly completed: number;
  /** Length of the measured window. */
  readonly seconds: number;
  /** Operations that failed (any non-OK status where OK was expected). */
  readonly failures: number;
  /** The first failure, for the log; empty when there was none. */
  readonly firstFailure: string;
  /** Latency of the operations, in milliseconds. */
  readonly latency: LatencySummary;
  /** Counts particular to the agent, e.g. `expected`, `cutOff`, `messages`. */
  readonly counters: Readonly<Record<string, number>>;
}

/** What an agent sends over its IPC channel: milestones, then one report. */
export type AgentMessage =
  | { readonly type: "event"; readonly name: string }
  | { readonly type: "report"; readonly report: AgentReport };

/** Checks a message that came over IPC from an agent. */
export function isAgentMessage(value: unknown): value is AgentMessage {
  if (!isRecord(value)) return false;
  if (value.type === "event") return typeof value.name === "string";
  return value.type === "report" && isAgentReport(value.report);
}

function isAgentReport(value: unknown): value is AgentReport {
  return (
    isRecord(value) &&
    ["completed", "seconds", "failures"].every((key) => typeof value[key] === "number") &&
    typeof value.firstFailure === "string" &&
    isLatencySummary(value.latency) &&
    isRecord(value.counters) &&
    Object.values(value.counters).every((count) => typeof count === "number")
  );
}

function isLatencySummary(value: unknown): value is LatencySummary {
  return (
    isRecord(value) &&
    ["count", "mean", "p50", "p99", "max"].every((key) => typeof value[key] === "number") &&
    Array.isArray(value.curve) &&
    value.curve.length === PERCENTILE_GRID.length &&
    value.curve.every((point) => typeof point === "number")
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

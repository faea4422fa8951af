import type { LatencySummary } from "../stats/percentiles.js";
import type { Chart } from "./chart.js";

/** Whether a bigger or a smaller value of a metric is the better one. */
export type Better = "higher" | "lower";

/** What was measured against one server: medians over the rounds it ran. */
export interface Measurement {
  /** Which server, as the table names it (e.g. `fibchat (sqlite)`, `bare grpc-js`). */
  readonly server: string;
  /** The row's metric: the median of {@link rounds}. */
  readonly value: number;
  /** The metric in each round, in the order they ran. */
  readonly rounds: readonly number[];
  /** Per-percentile medians over the rounds, in milliseconds. */
  readonly latency?: LatencySummary;
  /** The server process's peak resident set (VmHWM) over the scenario. */
  readonly peakRssBytes?: number;
  /** The server process's CPU time while measured, in % of one core (median over rounds). */
  readonly cpuPercent?: number;
}

/** A goal a row is held to, and whether this run met it. */
export interface Target {
  /** The goal, as the table prints it: `≥ 0.95× baseline`, `p99 ≤ 20 ms`. */
  readonly description: string;
  readonly met: boolean;
}

/** One line of the results table: fibchat against its reference on one metric. */
export interface ComparisonRow {
  readonly scenario: string;
  /** The unit of {@link Measurement.value}, e.g. `req/s`, `ms`, `MB`. */
  readonly metric: string;
  readonly better: Better;
  readonly fibchat: Measurement;
  /** The reference: a bare grpc-js server, or another fibchat configuration. */
  readonly baseline: Measurement;
  readonly target?: Target;
}

/** Everything one scenario produced. */
export interface ScenarioResult {
  /** A file-name-safe name: the chart is written as `<id>.svg`. */
  readonly id: string;
  readonly title: string;
  readonly rows: readonly ComparisonRow[];
  readonly chart: Chart;
  /** What a reader needs to interpret the rows: set-up, caveats, anomalies seen in this run. */
  readonly notes: readonly string[];
  /**
   * CPU used meanwhile by processes outside the benchmark, in % of one core: the machine may be
   * shared, and a busy neighbour skews every number of the scenario.
   */
  readonly otherCpuPercent?: number;
}

/** The machine a run was made on. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  /** The 1-minute load average when the run started: other work on the machine skews results. */
  readonly loadAverage: number;
}

/** A whole run: what `latest.json` holds and `latest.md` renders. */
export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly mode: "full" | "quick";
  readonly machine: MachineInfo;
  /** How unary and streaming load was generated, e.g. `h2load nghttp2/1.52.0`. */
  readonly loadGenerator: string;
  readonly scenarios: readonly ScenarioResult[];
}

/** fibchat's value over the baseline's; NaN when the baseline measured nothing. */
export function ratioOf(row: ComparisonRow): number {
  return row.baseline.value === 0 ? Number.NaN : row.fibchat.value / row.baseline.value;
}

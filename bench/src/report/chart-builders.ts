import { type LatencySummary, PERCENTILE_GRID } from "../stats/percentiles.js";
import type { AxisTick, Chart, ChartSeries } from "./chart.js";

/** A latency distribution to draw, and how. */
export interface LatencyLine {
  readonly name: string;
  readonly summary: LatencySummary;
  readonly dashed?: boolean;
}

const MAX_POSITION = 5;

/**
 * Where percentile `p` sits on a "nines" axis (90 → 1, 99 → 2, 99.9 → 3, …), which gives the tail
 * as much room as the body; the maximum (p = 100) is drawn one step right of p99.99.
 */
export function ninesPosition(p: number): number {
  return p >= 100 ? MAX_POSITION : -Math.log10(1 - p / 100);
}

const NINES_TICKS: readonly AxisTick[] = [
  { value: ninesPosition(50), label: "p50" },
  { value: ninesPosition(90), label: "p90" },
  { value: ninesPosition(99), label: "p99" },
  { value: ninesPosition(99.9), label: "p99.9" },
  { value: ninesPosition(99.99), label: "p99.99" },
  { value: MAX_POSITION, label: "max" },
];

/** Latency against percentile, one line per distribution, on a log latency axis. */
export function latencyChart(title: string, yLabel: string, lines: readonly LatencyLine[]): Chart {
  const series: ChartSeries[] = lines.map(({ name, summary, dashed }) => ({
    name,
    dashed: dashed === true,
    points: PERCENTILE_GRID.map((p, i) => [ninesPosition(p), summary.curve[i] ?? 0] as const),
  }));
  return { title, xLabel: "percentile", yLabel, xTicks: NINES_TICKS, yScale: "log", series };
}

/** A series of (seconds, value) samples. */
export interface TimeLine {
  readonly name: string;
  readonly points: readonly (readonly [seconds: number, value: number])[];
  readonly dashed?: boolean;
}

/** Values over time on linear axes, e.g. resident memory while readers stall. */
export function timeChart(title: string, yLabel: string, lines: readonly TimeLine[]): Chart {
  const end = Math.max(1, ...lines.flatMap((line) => line.points.map(([seconds]) => seconds)));
  const step = end <= 5 ? 1 : end <= 20 ? 2 : 5;
  const xTicks = Array.from({ length: Math.ceil(end / step) + 1 }, (_, i) => ({
    value: i * step,
    label: `${i * step}`,
  }));
  const series = lines.map(({ name, points, dashed }) => ({
    name,
    points,
    dashed: dashed === true,
  }));
  return { title, xLabel: "seconds", yLabel, xTicks, yScale: "linear", series };
}

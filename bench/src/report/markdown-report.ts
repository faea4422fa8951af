import type { LatencySummary } from "../stats/percentiles.js";
import { type BenchResults, type ComparisonRow, type Measurement, ratioOf } from "./results.js";

const HEADER = [
  "scenario",
  "metric",
  "fibchat",
  "baseline",
  "ratio",
  "p50 ms",
  "p99 ms",
  "peak RSS MB",
  "target",
] as const;

/**
 * The results table in GitHub Markdown, one line per row. Latency and memory cells read
 * `fibchat / baseline`; a cell with nothing measured reads `–`.
 */
export function renderTable(rows: readonly ComparisonRow[]): string {
  const lines = [
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of rows) {
    const cells = [
      `${row.scenario}: ${row.fibchat.server} vs ${row.baseline.server}`,
      `${row.metric} (${row.better} is better)`,
      formatNumber(row.fibchat.value),
      formatNumber(row.baseline.value),
      formatRatio(ratioOf(row)),
      pair(row, (m) => latencyOf(m.latency, "p50")),
      pair(row, (m) => latencyOf(m.latency, "p99")),
      pair(row, (m) => (m.peakRssBytes === undefined ? undefined : m.peakRssBytes / 2 ** 20)),
      row.target === undefined
        ? "–"
        : `${row.target.description}: ${row.target.met ? "met" : "**missed**"}`,
    ];
    lines.push(`| ${cells.map(escapeCell).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The whole `latest.md`: how the run was made, the table, each scenario's chart and notes. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const rows = results.scenarios.flatMap((scenario) => scenario.rows);
  const targets = rows.flatMap((row) => (row.target === undefined ? [] : [row.target]));
  const sections = [
    "# fibchat benchmarks",
    "",
    `Run ${results.startedAt} (${results.mode} mode) on ${machine.cpus} × ${machine.cpuModel}, ` +
      `Node ${machine.node}, ${machine.platform}; 1-minute load average at the start: ` +
      `${machine.loadAverage.toFixed(2)}. Load generator: ${results.loadGenerator}.`,
    "",
    `Targets met: ${targets.filter((t) => t.met).length} of ${targets.length}.`,
    "",
    renderTable(rows),
    "",
  ];
  for (const scenario of results.scenarios) {
    sections.push(`## ${scenario.title}`, "", `![${scenario.title}](${scenario.id}.svg)`, "");
    const notes = [...scenario.notes];
    if (scenario.otherCpuPercent !== undefined) {
      notes.push(
        `Other processes on the machine used ${Math.round(scenario.otherCpuPercent)} % of one core on average during this scenario.`,
      );
    }
    for (const note of notes) sections.push(`- ${note}`);
    if (notes.length > 0) sections.push("");
  }
  return sections.join("\n");
}

/** A number as the table prints it: thousands separated, about three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1 || magnitude === 0) return value.toFixed(2);
  return value.toPrecision(2);
}

function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "–";
}

function pair(row: ComparisonRow, pick: (m: Measurement) => number | undefined): string {
  const [a, b] = [pick(row.fibchat), pick(row.baseline)];
  if (a === undefined && b === undefined) return "–";
  const show = (value: number | undefined) => (value === undefined ? "–" : formatNumber(value));
  return `${show(a)} / ${show(b)}`;
}

function latencyOf(summary: LatencySummary | undefined, key: "p50" | "p99"): number | undefined {
  return summary === undefined || summary.count === 0 ? undefined : summary[key];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

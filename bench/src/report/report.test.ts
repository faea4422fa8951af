import { describe, expect, it } from "vitest";
import { summarize } from "../stats/percentiles.js";
import { latencyChart, ninesPosition, timeChart } from "./chart-builders.js";
import { formatNumber, renderTable } from "./markdown-report.js";
import type { ComparisonRow } from "./results.js";
import { renderSvgChart } from "./svg-chart.js";

const row: ComparisonRow = {
  scenario: "unary, 16 in flight",
  metric: "req/s",
  better: "higher",
  fibchat: {
    server: "fibchat",
    value: 9_500,
    rounds: [9_400, 9_600],
    latency: summarize([1, 2, 3]),
    peakRssBytes: 80 * 2 ** 20,
  },
  baseline: { server: "bare grpc-js", value: 10_000, rounds: [10_000], peakRssBytes: 50 * 2 ** 20 },
  target: { description: "≥ 0.95× baseline", met: true },
};

describe("renderTable", () => {
  it("prints one line per row with ratio, latency and memory pairs and the target", () => {
    const [header, rule, line, ...rest] = renderTable([row]).split("\n");
    expect(header).toMatch(/^\| scenario \| metric \| fibchat \| baseline \| ratio/);
    expect(rule).toMatch(/^\| --- \| --- \| ---: /);
    expect(line).toBe(
      "| unary, 16 in flight: fibchat vs bare grpc-js | req/s (higher is better) | 9,500 | 10,000 | 0.95× | 2.00 / – | 3.00 / – | 80.0 / 50.0 | ≥ 0.95× baseline: met |",
    );
    expect(rest).toEqual([]);
  });

  it("marks a missed target and escapes pipes", () => {
    const missed = { ...row, scenario: "a|b", target: { description: "x", met: false } };
    const line = renderTable([missed]).split("\n")[2];
    expect(line).toContain("a\\|b");
    expect(line).toContain("x: **missed**");
  });
});

describe("formatNumber", () => {
  it.each([
    [12_345.6, "12,346"],
    [123.4, "123"],
    [12.34, "12.3"],
    [1.234, "1.23"],
    [0, "0.00"],
    [0.01234, "0.012"],
    [Number.NaN, "–"],
  ])("%d → %s", (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});

describe("renderSvgChart", () => {
  const chart = latencyChart("Unary <latency>", "ms", [
    { name: "fibchat", summary: summarize([0.5, 1, 2, 40]) },
    { name: "bare & baseline", summary: summarize([0.4, 0.8, 1.5, 30]), dashed: true },
  ]);
  const svg = renderSvgChart(chart);

  it("is a standalone SVG document with escaped text", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Unary &#60;latency&#62;");
    expect(svg).toContain("bare &#38; baseline");
  });

  it("draws one polyline per series, the baseline dashed, and every percentile tick", () => {
    const polylines = svg.match(/<polyline [^>]*>/g) ?? [];
    expect(polylines).toHaveLength(2);
    expect(polylines[1]).toContain("stroke-dasharray");
    for (const label of ["p50", "p99", "p99.9", "max"]) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("is deterministic", () => {
    expect(renderSvgChart(chart)).toBe(svg);
  });

  it("draws time series on linear axes", () => {
    const memory = renderSvgChart(
      timeChart("RSS", "MB", [
        {
          name: "fibchat",
          points: [
            [0, 50],
            [1.5, 52],
          ],
        },
      ]),
    );
    expect(memory).toContain(">seconds</text>");
    expect(memory).not.toMatch(/NaN|Infinity/);
  });
});

describe("ninesPosition", () => {
  it.each([
    [90, 1],
    [99, 2],
    [99.9, 3],
    [100, 5],
  ])("p%d sits at %d", (p, expected) => {
    expect(ninesPosition(p)).toBeCloseTo(expected, 9);
  });
});

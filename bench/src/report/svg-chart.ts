import type { Chart, ChartSeries } from "./chart.js";

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { top: 48, right: 24, bottom: 56, left: 72 } as const;
const LEGEND_ROW = 18;
/** Colour-blind-safe (Okabe–Ito). */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

interface Scale {
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
}

/**
 * Draws `chart` as a self-contained SVG document: axes, grid, one polyline with point markers per
 * series and a legend. Deterministic: the same chart gives the same bytes, so committed charts
 * only change when the numbers do.
 */
export function renderSvgChart(chart: Chart): string {
  // The legend sits above the plot and grows the picture rather than covering lines.
  const height = HEIGHT + chart.series.length * LEGEND_ROW;
  const plot = {
    left: MARGIN.left,
    right: WIDTH - MARGIN.right,
    top: MARGIN.top + chart.series.length * LEGEND_ROW,
    bottom: height - MARGIN.bottom,
  };
  const xs = chart.xTicks.map((tick) => tick.value);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const x = (value: number) =>
    plot.left + ((value - xMin) / (xMax - xMin || 1)) * (plot.right - plot.left);
  const ys = chart.series.flatMap((series) => series.points.map(([, y]) => y));
  const y =
    chart.yScale === "log"
      ? logScale(ys, plot.bottom, plot.top)
      : linearScale(ys, plot.bottom, plot.top);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`,
  ];
  for (const tick of y.ticks) {
    const at = round(y.at(tick));
    parts.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" stroke="#e5e5e5"/>`,
      `<text x="${plot.left - 8}" y="${at + 4}" text-anchor="end">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of chart.xTicks) {
    const at = round(x(tick.value));
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${plot.top}" y2="${plot.bottom}" stroke="#f0f0f0"/>`,
      `<text x="${at}" y="${plot.bottom + 18}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#333"/>`,
    `<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#333"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const colour = PALETTE[index % PALETTE.length] ?? "#000000";
    parts.push(
      ...drawSeries(
        series,
        colour,
        (px) => round(x(px)),
        (py) => round(y.at(py)),
      ),
    );
    const legendY = MARGIN.top + index * LEGEND_ROW;
    parts.push(
      `<line x1="${plot.left + 8}" x2="${plot.left + 36}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash(series)}/>`,
      `<text x="${plot.left + 44}" y="${legendY + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push("</svg>", "");
  return parts.join("\n");
}

function drawSeries(
  series: ChartSeries,
  colour: string,
  x: (value: number) => number,
  y: (value: number) => number,
): string[] {
  const points = series.points.map(([px, py]) => `${x(px)},${y(py)}`);
  return [
    `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash(series)} points="${points.join(" ")}"/>`,
    ...series.points.map(
      ([px, py]) => `<circle cx="${x(px)}" cy="${y(py)}" r="2.5" fill="${colour}"/>`,
    ),
  ];
}

function dash(series: ChartSeries): string {
  return series.dashed === true ? ` stroke-dasharray="6 4"` : "";
}

function linearScale(values: readonly number[], bottom: number, top: number): Scale {
  const step = niceStep(Math.max(...values, 0) / 5 || 1);
  const max = Math.max(step, Math.ceil(Math.max(...values, 0) / step) * step);
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
  return { at: (value) => bottom - (value / max) * (bottom - top), ticks };
}

/** Decades with 1-2-5 steps; values at or below zero are drawn on the bottom edge. */
function logScale(values: readonly number[], bottom: number, top: number): Scale {
  const positive = values.filter((value) => value > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive, low * 10)));
  const span = Math.log10(high) - Math.log10(low);
  const ticks: number[] = [];
  for (let decade = low; decade < high; decade *= 10) ticks.push(decade, 2 * decade, 5 * decade);
  ticks.push(high);
  return {
    at: (value) =>
      bottom - ((Math.log10(Math.max(value, low)) - Math.log10(low)) / span) * (bottom - top),
    ticks: ticks.map((tick) => Number(tick.toPrecision(6))),
  };
}

/** The smallest of 1, 2 or 5 × 10^k that is at least `raw`. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10;
  return step * magnitude;
}

function formatTick(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toPrecision(3))}M`;
  if (value >= 10_000) return `${Number((value / 1_000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

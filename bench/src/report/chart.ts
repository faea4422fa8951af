/** A line of a chart: points in data units, in the order they are joined. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [x: number, y: number])[];
  /** Drawn dashed: used for the baselines, so fibchat's lines stand out. */
  readonly dashed?: boolean;
}

/** A labelled position on the x axis. */
export interface AxisTick {
  readonly value: number;
  readonly label: string;
}

/** A line chart, independent of how it is drawn. */
export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Where the x axis is labelled; they also fix its range. */
  readonly xTicks: readonly AxisTick[];
  /** `log` suits latencies whose tail is orders of magnitude above the median. */
  readonly yScale: "linear" | "log";
  readonly series: readonly ChartSeries[];
}

/**
 * The percentiles every latency summary reports, in ascending order; 100 is the maximum. They are
 * the points of the latency charts, so the tail (99.9, 99.99) gets as many points as the body.
 */
export const PERCENTILE_GRID = [50, 75, 90, 95, 98, 99, 99.5, 99.9, 99.99, 100] as const;

/** One of {@link PERCENTILE_GRID}. */
export type GridPercentile = (typeof PERCENTILE_GRID)[number];

/** A latency distribution in milliseconds. */
export interface LatencySummary {
  /** Samples summarised; 0 means every other field is 0. */
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The value at each percentile of {@link PERCENTILE_GRID}, in the same order. */
  readonly curve: readonly number[];
}

/** The summary of no samples at all. */
export const EMPTY_SUMMARY: LatencySummary = {
  count: 0,
  mean: 0,
  p50: 0,
  p99: 0,
  max: 0,
  curve: PERCENTILE_GRID.map(() => 0),
};

/**
 * The nearest-rank percentile `p` (0–100) of samples sorted ascending: the smallest sample with at
 * least p% of the samples at or below it. 0 for no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1] ?? 0;
}

/** Summarises samples (any order; the array is not modified). */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  if (samples.length === 0) return EMPTY_SUMMARY;
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    mean: total / sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    curve: PERCENTILE_GRID.map((p) => percentile(sorted, p)),
  };
}

/** The median of `values` (the mean of the middle two for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

/**
 * The point-by-point median of several summaries of the same measurement (one per round): each
 * percentile is the median of that percentile across rounds, so one noisy round moves nothing.
 */
export function medianSummary(rounds: readonly LatencySummary[]): LatencySummary {
  const measured = rounds.filter((round) => round.count > 0);
  if (measured.length === 0) return EMPTY_SUMMARY;
  const of = (pick: (summary: LatencySummary) => number) => median(measured.map(pick));
  return {
    count: measured.reduce((total, round) => total + round.count, 0),
    mean: of((s) => s.mean),
    p50: of((s) => s.p50),
    p99: of((s) => s.p99),
    max: of((s) => s.max),
    curve: PERCENTILE_GRID.map((_, i) => of((s) => s.curve[i] ?? 0)),
  };
}

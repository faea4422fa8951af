import { type LatencySummary, summarize } from "./percentiles.js";

/** Collects latency samples (milliseconds) without an allocation per sample. */
export interface LatencyRecorder {
  record(milliseconds: number): void;
  readonly count: number;
  summary(): LatencySummary;
}

/** An empty recorder; it grows by doubling from `initialCapacity` samples. */
export function createLatencyRecorder(initialCapacity = 1024): LatencyRecorder {
  let samples = new Float64Array(Math.max(1, initialCapacity));
  let count = 0;
  return {
    record(milliseconds) {
      if (count === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[count++] = milliseconds;
    },
    get count() {
      return count;
    },
    summary: () => summarize(samples.subarray(0, count)),
  };
}

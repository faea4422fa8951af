import { describe, expect, it } from "vitest";
import { createLatencyRecorder } from "./latency-recorder.js";
import {
  EMPTY_SUMMARY,
  median,
  medianSummary,
  PERCENTILE_GRID,
  percentile,
  summarize,
} from "./percentiles.js";

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe("percentile (nearest rank)", () => {
  it.each([
    [oneToHundred, 50, 50],
    [oneToHundred, 99, 99],
    [oneToHundred, 99.9, 100],
    [oneToHundred, 100, 100],
    [oneToHundred, 0, 1],
    [[7], 50, 7],
    [[1, 2], 50, 1],
    [[1, 2], 51, 2],
    [[], 50, 0],
  ])("%j at p%d is %d", (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
});

describe("median", () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
    [[], 0],
  ])("of %j is %d", (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe("summarize", () => {
  it("reports count, mean, p50, p99, max and one curve point per grid percentile", () => {
    const shuffled = [...oneToHundred].reverse();
    const summary = summarize(shuffled);
    expect(summary).toMatchObject({ count: 100, mean: 50.5, p50: 50, p99: 99, max: 100 });
    expect(summary.curve).toHaveLength(PERCENTILE_GRID.length);
    expect(summary.curve).toEqual([...summary.curve].sort((a, b) => a - b));
    expect(shuffled[0]).toBe(100);
  });

  it("of nothing is the empty summary", () => {
    expect(summarize([])).toEqual(EMPTY_SUMMARY);
  });
});

describe("medianSummary", () => {
  it("takes the median of each percentile across rounds and ignores empty rounds", () => {
    const rounds = [summarize([1, 2, 3]), summarize([10, 20, 30]), summarize([2, 3, 4])];
    const merged = medianSummary([...rounds, EMPTY_SUMMARY]);
    expect(merged.p50).toBe(3);
    expect(merged.max).toBe(4);
    expect(merged.count).toBe(9);
  });
});

describe("createLatencyRecorder", () => {
  it("keeps every sample past its initial capacity", () => {
    const recorder = createLatencyRecorder(2);
    for (const value of oneToHundred) recorder.record(value);
    expect(recorder.count).toBe(100);
    expect(recorder.summary()).toEqual(summarize(oneToHundred));
  });
});

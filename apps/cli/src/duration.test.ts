import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["5s", 5000],
    ["1.5s", 1500],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1s250ms", 1250],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5", "s", "5 s", "-5s", "5sec", "1e3ms", "5s ", "ms5"])(
    "refuses %j and says what a duration looks like",
    (text) => {
      expect(() => parseDuration(text)).toThrow(/use a number with a unit, such as 500ms, 5s/);
    },
  );

  it.each(["0s", "0ms", "0.4ms"])("refuses %s as shorter than 1ms", (text) => {
    expect(() => parseDuration(text)).toThrow(/at least 1ms/);
  });
});

describe("formatDuration", () => {
  it.each([
    [500, "500ms"],
    [5000, "5s"],
    [1500, "1.5s"],
    [120_000, "2m"],
    [3_600_000, "1h"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

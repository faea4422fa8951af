import { GetSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import { describe, expect, it } from "vitest";
import { referenceSequence } from "../test-support/start-fibonacci.js";
import { fibonacciPair } from "./fast-doubling.js";
import { maxDigits, maxGetSequenceResponseBytes } from "./response-size.js";

const expected = referenceSequence(10_002);

describe("fibonacciPair", () => {
  it.each([0, 1, 2, 3, 10, 92, 93, 94, 1000, 4095, 4096, 10_000])(
    "F(%i) and F(n+1) match the reference",
    (n) => {
      expect(fibonacciPair(n)).toEqual([expected[n], expected[n + 1]]);
    },
  );

  it.each([-1, 1.5, Number.NaN])("rejects n = %s", (n) => {
    expect(() => fibonacciPair(n)).toThrow(RangeError);
  });
});

describe("response size bound", () => {
  it.each([0, 1, 2, 10, 92, 93, 1000, 10_000])(
    "maxDigits(%i) is at least the real digit count",
    (n) => {
      const digits = (expected[n] ?? 0n).toString().length;
      expect(maxDigits(n)).toBeGreaterThanOrEqual(digits);
      expect(maxDigits(n)).toBeLessThanOrEqual(digits + 2);
    },
  );

  it.each([
    [0, 0],
    [0, 100],
    [9_000, 1_000],
  ])("bounds the encoded GetSequenceResponse from start %i, count %i", (start, count) => {
    const numbers = expected
      .slice(start, start + count)
      .map((value, i) => ({ index: start + i, value: value.toString() }));
    const actual = GetSequenceResponse.encode({ numbers }).finish().length;
    const bound = maxGetSequenceResponseBytes(start, count);
    expect(bound).toBeGreaterThanOrEqual(actual);
    // Tight enough to be useful: at most 2 digits of slack per number.
    expect(bound - actual).toBeLessThanOrEqual(Math.max(count, 1) * 3);
  });
});

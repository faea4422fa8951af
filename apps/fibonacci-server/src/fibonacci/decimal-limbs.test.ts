import { describe, expect, it } from "vitest";
import { addLimbs, digitCount, LIMB_DIGITS, limbsOf, writeDigits } from "./decimal-limbs.js";

/** The integer in `limbs` back as a decimal string, through the functions under test. */
function printed(limbs: Int32Array, length = limbs.length): string {
  const view = new DataView(new ArrayBuffer(digitCount(limbs, length)));
  const end = writeDigits(limbs, length, view, 0);
  expect(end).toBe(view.byteLength);
  return Buffer.from(view.buffer).toString("latin1");
}

function sum(a: bigint, b: bigint): string {
  const [x, y] = [limbsOf(a), limbsOf(b)];
  const [long, short] = x.length >= y.length ? [x, y] : [y, x];
  const padded = new Int32Array(long.length);
  padded.set(short);
  const out = new Int32Array(long.length + 1);
  return printed(out, addLimbs(long, padded, long.length, out));
}

const limb = 10n ** BigInt(LIMB_DIGITS);

describe("decimal limbs", () => {
  it.each([
    0n,
    1n,
    2n,
    9n,
    10n,
    limb - 1n,
    limb,
    limb + 1n,
    limb * limb - 1n,
    limb * limb,
    100_000_000_000_000_001n,
    2n ** 64n - 1n,
    2n ** 64n,
    10n ** 100n,
  ])("%s prints back as itself", (value) => {
    expect(printed(limbsOf(value))).toBe(value.toString());
    expect(digitCount(limbsOf(value), limbsOf(value).length)).toBe(value.toString().length);
  });

  it.each([
    [0n, 0n],
    [0n, 1n],
    [1n, 1n],
    [1n, 2n],
    [limb - 1n, 1n],
    [limb - 1n, limb - 1n],
    [limb * limb - 1n, 1n],
    [limb * limb * limb - 1n, limb * limb * limb - 1n],
    [limb * limb - 1n, limb - 1n],
    // F(92) + F(93) = F(94): the first Fibonacci number past 2^64.
    [7_540_113_804_746_346_429n, 12_200_160_415_121_876_738n],
    [10n ** 40n - 1n, 10n ** 40n - 1n],
    [123_456_789_012_345_678_901_234_567_890n, 987_654_321n],
  ])("%s + %s carries across limbs exactly", (a, b) => {
    expect(sum(a, b)).toBe((a + b).toString());
  });

  it("refuses negative numbers", () => {
    expect(() => limbsOf(-1n)).toThrow(RangeError);
  });
});

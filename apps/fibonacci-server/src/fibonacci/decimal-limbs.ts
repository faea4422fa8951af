/**
 * Non-negative integers as little-endian limbs of {@link LIMB_DIGITS} decimal digits: limb i
 * holds digits 8·i … 8·i + 7 counted from the right. Adding two of them is one pass over the
 * limbs, and printing one is a table look-up per four digits: no binary-to-decimal conversion,
 * which for BigInt costs more than linear time in the digits (bench/results/NOTES.md §3).
 */

/** Decimal digits per limb: two limbs plus a carry stay below 2^31, so Int32Array holds them. */
export const LIMB_DIGITS = 8;
const LIMB_BASE = 10 ** LIMB_DIGITS;

/**
 * The ASCII digits of 0 … 9999, zero-padded to four, as a big-endian 32-bit word: one DataView
 * store writes four digits.
 */
const FOUR_DIGITS = new Uint32Array(10_000);
for (let i = 0; i < FOUR_DIGITS.length; i++) {
  const d = i.toString().padStart(4, "0");
  FOUR_DIGITS[i] =
    ((d.charCodeAt(0) << 24) |
      (d.charCodeAt(1) << 16) |
      (d.charCodeAt(2) << 8) |
      d.charCodeAt(3)) >>>
    0;
}

/** The limbs of a non-negative integer, least significant first, without leading zero limbs. */
export function limbsOf(value: bigint): Int32Array<ArrayBuffer> {
  if (value < 0n) throw new RangeError(`limbs hold non-negative integers, got ${value}`);
  return limbsOfDecimal(value.toString());
}

/** The limbs of a string of decimal digits (no sign, no leading zeros unless it is "0"). */
function limbsOfDecimal(digits: string): Int32Array<ArrayBuffer> {
  if (!/^(0|[1-9][0-9]*)$/.test(digits)) throw new RangeError(`not a decimal integer: ${digits}`);
  const limbs = new Int32Array(Math.ceil(digits.length / LIMB_DIGITS));
  for (let i = 0, end = digits.length; end > 0; i++, end -= LIMB_DIGITS)
    limbs[i] = Number(digits.slice(Math.max(0, end - LIMB_DIGITS), end));
  return limbs;
}

/**
 * `sum` = `a` + `b` over their first `length` limbs (the longer operand's length; the shorter
 * one must be zero up to it), and returns the sum's length: `length` or `length + 1` when the
 * last limb carries. `sum` needs room for `length + 1` limbs and may be neither operand.
 */
export function addLimbs(a: Int32Array, b: Int32Array, length: number, sum: Int32Array): number {
  let carry = 0;
  for (let i = 0; i < length; i++) {
    const s = (a[i] ?? 0) + (b[i] ?? 0) + carry;
    // Branch-free: the carries of consecutive Fibonacci numbers look random to the branch
    // predictor, and a mispredicted branch per limb made this loop four times slower. s is
    // below 2^31, so the sign bit of LIMB_BASE − 1 − s is the carry.
    carry = (LIMB_BASE - 1 - s) >>> 31;
    sum[i] = s - (LIMB_BASE & -carry);
  }
  if (carry === 0) return length;
  sum[length] = 1;
  return length + 1;
}

/** How many decimal digits the integer in `limbs[0 … length)` has (1 for zero). */
export function digitCount(limbs: Int32Array, length: number): number {
  const top = limbs[length - 1] ?? 0;
  let digits = 1;
  for (let power = 10; power <= top; power *= 10) digits++;
  return (length - 1) * LIMB_DIGITS + digits;
}

/**
 * Writes the decimal digits of `limbs[0 … length)` as ASCII at `offset` of `view` and returns
 * the offset after the last one. Writes exactly {@link digitCount} bytes.
 */
export function writeDigits(
  limbs: Int32Array,
  length: number,
  view: DataView,
  offset: number,
): number {
  let at = offset;
  const top = (limbs[length - 1] ?? 0).toString();
  for (let k = 0; k < top.length; k++) view.setUint8(at++, top.charCodeAt(k));
  for (let i = length - 2; i >= 0; i--) {
    const limb = limbs[i] ?? 0;
    // limb < 2^31, so `| 0` truncates exactly, and lets the compiler divide in integers.
    const high = (limb / 10_000) | 0;
    view.setUint32(at, FOUR_DIGITS[high] ?? 0);
    view.setUint32(at + 4, FOUR_DIGITS[limb - high * 10_000] ?? 0);
    at += LIMB_DIGITS;
  }
  return at;
}

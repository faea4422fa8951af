/** log10 of the golden ratio: F(n) has about n·log10(φ) − log10(√5) decimal digits (Binet). */
const LOG10_PHI = Math.log10((1 + Math.sqrt(5)) / 2);
const LOG10_SQRT5 = Math.log10(Math.sqrt(5));

/** An upper bound of the decimal digits of F(n), from Binet's formula, without computing F(n). */
export function maxDigits(n: number): number {
  if (n < 2) return 1;
  // +1 covers floating-point error at the boundary between two digit counts.
  return Math.floor(n * LOG10_PHI - LOG10_SQRT5) + 2;
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/**
 * An upper bound of the encoded size of a `GetSequenceResponse` holding F(start) … F(start+count−1),
 * computed from digit counts alone, so an oversized answer is refused before it is built.
 */
export function maxGetSequenceResponseBytes(start: number, count: number): number {
  let total = 0;
  for (let index = start; index < start + count; index++) {
    const digits = maxDigits(index);
    // FibonacciNumber: tag + varint index, tag + length + digits.
    const element = 1 + varintSize(index) + 1 + varintSize(digits) + digits;
    // GetSequenceResponse.numbers: tag + length + element.
    total += 1 + varintSize(element) + element;
  }
  return total;
}

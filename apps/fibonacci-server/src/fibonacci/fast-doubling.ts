/**
 * F(n) and F(n + 1), exactly, in O(log n) big-integer multiplications (fast doubling):
 * F(2k) = F(k)·(2·F(k+1) − F(k)) and F(2k+1) = F(k)² + F(k+1)².
 * Lets a sequence start deep without computing every earlier number.
 */
export function fibonacciPair(n: number): readonly [bigint, bigint] {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`n must be a non-negative safe integer, got ${n}`);
  let a = 0n; // F(k)
  let b = 1n; // F(k + 1)
  for (let bit = highestBit(n); bit >= 0; bit--) {
    const even = a * (2n * b - a); // F(2k)
    const odd = a * a + b * b; // F(2k + 1)
    if (Math.floor(n / 2 ** bit) % 2 === 1) {
      a = odd;
      b = even + odd;
    } else {
      a = even;
      b = odd;
    }
  }
  return [a, b];
}

function highestBit(n: number): number {
  return n === 0 ? -1 : Math.floor(Math.log2(n));
}

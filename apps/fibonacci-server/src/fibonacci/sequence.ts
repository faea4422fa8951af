import { fibonacciPair } from "./fast-doubling.js";

/** One term of the sequence: its index n and F(n). */
export interface Term {
  readonly index: number;
  readonly value: bigint;
}

/**
 * F(start) … F(start + count − 1), lazily: each term is computed only when the consumer asks
 * for it, so a paused consumer pauses the work. The first term costs O(log start) via fast
 * doubling, each next one a single addition.
 */
export function* fibonacciSequence(start: number, count: number): Generator<Term, void, undefined> {
  if (count <= 0) return;
  let [current, next] = fibonacciPair(start);
  for (let i = 0; i < count; i++) {
    yield { index: start + i, value: current };
    [current, next] = [next, current + next];
  }
}

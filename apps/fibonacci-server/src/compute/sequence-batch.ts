import { fibonacciPair } from "../fibonacci/fast-doubling.js";

/** Where a sequence stands between two batches: F(index) and F(index + 1). */
export interface SequenceState {
  readonly current: bigint;
  readonly next: bigint;
}

/** One batch of a sequence to compute: F(start) … while under `maxDigits`, at most `count`. */
export interface BatchRequest {
  readonly start: number;
  readonly count: number;
  /** Stop once the batch holds this many digits (it always holds at least one number). */
  readonly maxDigits: number;
  /** F(start) and F(start + 1) from the previous batch; absent for the first one. */
  readonly state?: SequenceState;
}

/** A computed batch: decimal values of F(start) … in order, and where the next batch starts. */
export interface BatchResult {
  readonly values: readonly string[];
  readonly state: SequenceState;
}

/**
 * Computes one batch. The decimal conversion is most of the cost deep in the sequence (F(500000)
 * takes ~6 ms to reach by fast doubling but ~17 ms to print), which is why batches carry strings
 * and not bigints. The state passed between batches saves redoing the fast doubling each time.
 */
export function computeBatch({ start, count, maxDigits, state }: BatchRequest): BatchResult {
  let [current, next] = state ? [state.current, state.next] : fibonacciPair(start);
  const values: string[] = [];
  let digits = 0;
  while (values.length < count && (values.length === 0 || digits < maxDigits)) {
    const value = current.toString();
    values.push(value);
    digits += value.length;
    [current, next] = [next, current + next];
  }
  return { values, state: { current, next } };
}

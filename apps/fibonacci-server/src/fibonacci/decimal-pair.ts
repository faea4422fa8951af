import { addLimbs, digitCount, limbsOf, writeDigits } from "./decimal-limbs.js";
import { fibonacciPair } from "./fast-doubling.js";

// F(n) gains a digit about every 4.8 steps: 64 limbs of room last about 2,450 steps.
const GROWTH_LIMBS = 64;

/** F(n) and F(n + 1) as limbs (see `decimal-limbs.ts`), exactly sized: what a batch hands on. */
export interface DecimalState {
  readonly current: Int32Array<ArrayBuffer>;
  readonly next: Int32Array<ArrayBuffer>;
}

/**
 * A position in the Fibonacci sequence, F(index) and F(index + 1), kept in decimal limbs so each
 * step is one limb-wise addition and each number prints without a binary-to-decimal conversion.
 * Only the starting pair comes from fast doubling (one `BigInt#toString` per operand).
 */
export class DecimalPair {
  #index: number;
  #current: Int32Array;
  #currentLength: number;
  #next: Int32Array;
  #nextLength: number;
  #spare: Int32Array;

  /** The pair at `index`, from `state` when the caller has it, else by fast doubling. */
  constructor(index: number, state?: DecimalState) {
    const { current, next } = state ?? startingState(index);
    this.#index = index;
    this.#currentLength = current.length;
    this.#nextLength = next.length;
    // Room for a few thousand steps: a deep batch seldom grows, and a pair made per batch
    // allocates little (the compute threads make one per 256 KiB batch).
    const capacity = next.length + GROWTH_LIMBS;
    this.#current = withCapacity(current, capacity);
    this.#next = withCapacity(next, capacity);
    this.#spare = new Int32Array(capacity);
  }

  /** n, the index of the current number F(n). */
  get index(): number {
    return this.#index;
  }

  /** Decimal digits of F(index). */
  digits(): number {
    return digitCount(this.#current, this.#currentLength);
  }

  /** Writes F(index) as ASCII digits at `offset` of `view`; returns the offset after them. */
  writeCurrent(view: DataView, offset: number): number {
    return writeDigits(this.#current, this.#currentLength, view, offset);
  }

  /** Moves to index + 1: one addition over the limbs. */
  advance(): void {
    if (this.#nextLength + 1 > this.#spare.length) this.#grow();
    // addLimbs reads both operands up to the longer one's length: the shorter must be zero there.
    this.#current.fill(0, this.#currentLength, this.#nextLength);
    const sumLength = addLimbs(this.#current, this.#next, this.#nextLength, this.#spare);
    const freed = this.#current;
    this.#current = this.#next;
    this.#currentLength = this.#nextLength;
    this.#next = this.#spare;
    this.#nextLength = sumLength;
    this.#spare = freed;
    this.#index++;
  }

  /** A copy of where the pair stands, to continue from elsewhere (another thread). */
  state(): DecimalState {
    return {
      current: this.#current.slice(0, this.#currentLength),
      next: this.#next.slice(0, this.#nextLength),
    };
  }

  #grow(): void {
    const capacity = this.#spare.length * 2 + GROWTH_LIMBS;
    this.#current = withCapacity(this.#current.subarray(0, this.#currentLength), capacity);
    this.#next = withCapacity(this.#next.subarray(0, this.#nextLength), capacity);
    this.#spare = new Int32Array(capacity);
  }
}

function startingState(index: number): DecimalState {
  const [current, next] = fibonacciPair(index);
  return { current: limbsOf(current), next: limbsOf(next) };
}

function withCapacity(limbs: Int32Array, capacity: number): Int32Array {
  const grown = new Int32Array(capacity);
  grown.set(limbs);
  return grown;
}

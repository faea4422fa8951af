import {
  type FibonacciNumber,
  GetSequenceResponse,
  StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import type { SequenceRequest } from "./load-generator.js";

/** F(start) … F(start + count − 1), computed plainly: the answer any correct server must give. */
export function expectedNumbers({ start, count }: SequenceRequest): FibonacciNumber[] {
  const numbers: FibonacciNumber[] = [];
  let [current, next] = [0n, 1n];
  for (let index = 0; index < start + count; index++) {
    if (index >= start) numbers.push({ index, value: current.toString() });
    [current, next] = [next, current + next];
  }
  return numbers;
}

/** Bytes of HTTP/2 DATA a correct GetSequence answer carries: one framed message. */
export function unaryResponseBytes(request: SequenceRequest): number {
  return 5 + GetSequenceResponse.encode({ numbers: expectedNumbers(request) }).finish().length;
}

/** Bytes of HTTP/2 DATA a correct StreamSequence answer carries: one framed message per number. */
export function streamResponseBytes(request: SequenceRequest): number {
  return expectedNumbers(request).reduce(
    (total, number) => total + 5 + StreamSequenceResponse.encode({ number }).finish().length,
    0,
  );
}

const LOG10_PHI = Math.log10((1 + Math.sqrt(5)) / 2);
const LOG10_SQRT5 = Math.log10(Math.sqrt(5));

/**
 * Decimal digits of F(start) … F(start + count − 1) together, from Binet's formula (F(n) is the
 * integer nearest φⁿ/√5) without computing the numbers: the payload of a deep stream, whose
 * values are too costly to compute in the harness. Floating-point error could miscount a number
 * whose φⁿ/√5 lies within 1e-11 of a power of ten: a few bytes in a gigabyte at most.
 */
export function sequenceDigits({ start, count }: SequenceRequest): number {
  let digits = 0;
  for (let n = start; n < start + count; n++)
    digits += n < 2 ? 1 : Math.floor(n * LOG10_PHI - LOG10_SQRT5) + 1;
  return digits;
}

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

import type { FibonacciNumber, StreamSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import type { DecimalPair } from "./decimal-pair.js";

// Wire tags of fibonacci.v1 (proto/fibonacci/v1/fibonacci.proto): StreamSequenceResponse.number
// is field 1 (length-delimited); FibonacciNumber.index is field 1 (varint), value field 2 (string).
const RESPONSE_NUMBER_TAG = 0x0a;
const NUMBER_INDEX_TAG = 0x08;
const NUMBER_VALUE_TAG = 0x12;

/**
 * One `StreamSequenceResponse` already in protobuf bytes, exactly as the generated encoder
 * writes it. Its `number` is decoded from those bytes only when read (tests, GetSequence), so
 * streaming it costs no string at all: the service's serializer sends `bytes` as they are.
 */
export class EncodedTerm implements StreamSequenceResponse {
  /** n, the index of the number. */
  readonly index: number;
  /** The encoded `StreamSequenceResponse`. */
  readonly bytes: Buffer;
  readonly #digitsAt: number;

  constructor(index: number, bytes: Buffer, digitsAt: number) {
    this.index = index;
    this.bytes = bytes;
    this.#digitsAt = digitsAt;
  }

  /** F(index) in decimal. */
  get value(): string {
    return this.bytes.toString("latin1", this.#digitsAt);
  }

  /** The message's `number` field, as the generated decoder would give it. */
  get number(): FibonacciNumber {
    return { index: this.index, value: this.value };
  }
}

/** The encoded size of a `StreamSequenceResponse` for F(index) with `digits` decimal digits. */
export function encodedTermSize(index: number, digits: number): number {
  const inner = innerSize(index, digits);
  return 1 + varintSize(inner) + inner;
}

/**
 * Writes the `StreamSequenceResponse` of the pair's current number at `offset` of `view`, in
 * {@link encodedTermSize} bytes ending with the digits, and returns the offset after it. Fields
 * at their default (index 0) are left out, as proto3 encoders do.
 */
export function writeTerm(
  pair: DecimalPair,
  digits: number,
  view: DataView,
  offset: number,
): number {
  const index = pair.index;
  let at = offset;
  view.setUint8(at++, RESPONSE_NUMBER_TAG);
  at = writeVarint(view, at, innerSize(index, digits));
  if (index !== 0) {
    view.setUint8(at++, NUMBER_INDEX_TAG);
    at = writeVarint(view, at, index);
  }
  view.setUint8(at++, NUMBER_VALUE_TAG);
  at = writeVarint(view, at, digits);
  return pair.writeCurrent(view, at);
}

function innerSize(index: number, digits: number): number {
  return (index === 0 ? 0 : 1 + varintSize(index)) + 1 + varintSize(digits) + digits;
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

function writeVarint(view: DataView, offset: number, value: number): number {
  let at = offset;
  let rest = value;
  while (rest >= 0x80) {
    view.setUint8(at++, (rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  view.setUint8(at++, rest);
  return at;
}

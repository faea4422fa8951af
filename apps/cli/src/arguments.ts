import { InvalidArgumentError } from "@commander-js/extra-typings";
import { parseDuration } from "./duration.js";

const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;
const DIGITS = /^\d+$/;

/**
 * Parses a command-line value into a proto `uint32` (0 to 4294967295). Signs, decimals, exponents
 * and spaces are refused with an `InvalidArgumentError`, which commander reports as a usage error.
 */
export function parseUint32(value: string): number {
  if (!DIGITS.test(value) || Number(value) > UINT32_MAX) {
    throw new InvalidArgumentError(`Expected a whole number from 0 to ${UINT32_MAX}.`);
  }
  return Number(value);
}

/** Parses a command-line value into a proto `uint64` as a `bigint`, like {@link parseUint32}. */
export function parseUint64(value: string): bigint {
  if (!DIGITS.test(value) || BigInt(value) > UINT64_MAX) {
    throw new InvalidArgumentError(`Expected a whole number from 0 to ${UINT64_MAX}.`);
  }
  return BigInt(value);
}

/** Parses a duration flag (`5s`, `500ms`) into milliseconds, as a commander usage error if bad. */
export function parseDurationArgument(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? `${error.message}.` : String(error));
  }
}

/** Accepts any value except the empty string, which a flag never means on purpose. */
export function parseNonEmpty(value: string): string {
  if (value === "") throw new InvalidArgumentError("Expected a value, got an empty string.");
  return value;
}

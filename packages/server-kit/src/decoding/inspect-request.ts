import { isUtf8 } from "node:buffer";
import { type MessagePlan, UNKNOWN_MESSAGE, WireType } from "./wire-plan.js";

/** Why a request is refused before it is decoded. */
export type RequestDefect =
  /** A string field (the first one, in wire order) holds bytes that are not UTF-8. */
  | { readonly kind: "invalid-utf8"; readonly field: string }
  /** The bytes are not a well-formed encoding of the message. */
  | { readonly kind: "malformed"; readonly reason: string };

/** protobuf's default recursion limit (C++, Java), which ts-proto's decoders also apply. */
const MAX_DEPTH = 100;

interface Cursor {
  readonly bytes: Uint8Array;
  pos: number;
  defect: RequestDefect | undefined;
}

/**
 * Walks the encoded request `bytes` as a `plan` message, checking that every string field,
 * however deeply nested, repeated or in a map, is UTF-8 (proto3 requires it), and that the
 * encoding is well formed. Returns the first defect, or `undefined` for a request to decode.
 *
 * Well-formedness is checked strictly because the decoders are lenient in ways that would let a
 * string escape the check: ts-proto stops a message at a zero tag and lets a field overrun its
 * enclosing message. So a malformed request is refused here too, instead of being left to them.
 */
export function inspectRequest(bytes: Uint8Array, plan: MessagePlan): RequestDefect | undefined {
  const cursor: Cursor = { bytes, pos: 0, defect: undefined };
  walk(cursor, plan, bytes.length, 1, 0);
  return cursor.defect;
}

/**
 * Walks fields up to `end`, or up to the end-group tag of `group` when it is not 0. Returns false
 * once a defect is recorded.
 */
function walk(cursor: Cursor, plan: MessagePlan, end: number, depth: number, group: number) {
  if (depth > MAX_DEPTH) return fail(cursor, `messages nested more than ${MAX_DEPTH} deep`);
  const { bytes } = cursor;
  while (cursor.pos < end) {
    const tag = readVarint32(cursor, end);
    if (tag === undefined) return false;
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0) return fail(cursor, "field number 0");
    const field = plan.fields.get(fieldNumber);
    // An end-group tag closes the enclosing group; it is not a value of a field of this message.
    if (
      wireType !== WireType.EGROUP &&
      field !== undefined &&
      (field.wireTypes & (1 << wireType)) === 0
    )
      return fail(cursor, `field ${field.name} has wire type ${wireType}`);
    switch (wireType) {
      case WireType.VARINT:
        if (!skipVarint(cursor, end)) return false;
        break;
      case WireType.I64:
        if (!advance(cursor, 8, end)) return false;
        break;
      case WireType.I32:
        if (!advance(cursor, 4, end)) return false;
        break;
      case WireType.LEN: {
        const length = readVarint32(cursor, end);
        if (length === undefined) return false;
        const start = cursor.pos;
        if (!advance(cursor, length, end)) return false;
        if (field?.utf8 === true && !isUtf8Range(bytes, start, cursor.pos)) {
          cursor.defect = { kind: "invalid-utf8", field: field.name };
          return false;
        }
        // Walked even without strings: a malformed embedded message would shift where the
        // decoder reads the fields that follow it.
        if (field?.message !== undefined) {
          cursor.pos = start;
          if (!walk(cursor, field.message, start + length, depth + 1, 0)) return false;
        }
        break;
      }
      case WireType.SGROUP:
        if (!walk(cursor, field?.message ?? UNKNOWN_MESSAGE, end, depth + 1, fieldNumber))
          return false;
        break;
      case WireType.EGROUP:
        if (fieldNumber !== group) return fail(cursor, "an end-group tag without its start");
        return true;
      default:
        return fail(cursor, `wire type ${wireType}`);
    }
  }
  return group === 0 || fail(cursor, "a group without its end tag");
}

// Measured on Node 20: a call to isUtf8 with its subarray costs about 0.4 µs whatever the length,
// a JS loop about 5 ns a byte. Short strings (rooms, authors, ids) are mostly ASCII: loop over
// them; hand longer ones, and the rest of a short one past its first non-ASCII byte, to isUtf8.
const LONGEST_SCANNED = 64;

function isUtf8Range(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start > LONGEST_SCANNED) return isUtf8(bytes.subarray(start, end));
  for (let i = start; i < end; i++) {
    if ((bytes[i] ?? 0) > 0x7f) return isUtf8(bytes.subarray(i, end));
  }
  return true;
}

function fail(cursor: Cursor, reason: string): false {
  cursor.defect = { kind: "malformed", reason };
  return false;
}

function advance(cursor: Cursor, count: number, end: number): boolean {
  if (count > end - cursor.pos) return fail(cursor, "truncated");
  cursor.pos += count;
  return true;
}

// Tags and lengths are uint32 varints; protobuf encoders write them in at most 5 bytes.
function readVarint32(cursor: Cursor, end: number): number | undefined {
  const { bytes } = cursor;
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (cursor.pos >= end) {
      fail(cursor, "truncated");
      return undefined;
    }
    const byte = bytes[cursor.pos++] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      if (value > 0xffff_ffff) break;
      return value;
    }
  }
  fail(cursor, "a tag or length beyond 32 bits");
  return undefined;
}

function skipVarint(cursor: Cursor, end: number): boolean {
  const { bytes } = cursor;
  for (let count = 0; count < 10; count++) {
    if (cursor.pos >= end) return fail(cursor, "truncated");
    if ((bytes[cursor.pos++] ?? 0) < 0x80) return true;
  }
  return fail(cursor, "a varint longer than 10 bytes");
}

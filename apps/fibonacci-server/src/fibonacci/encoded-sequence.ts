import { DecimalPair } from "./decimal-pair.js";
import { EncodedTerm, encodedTermSize, writeTerm } from "./encoded-term.js";
import { maxDigits } from "./response-size.js";

// Terms are written one after another into chunks of at most this size, each term a view of its
// chunk: one allocation per chunk, not per number. A term larger than a chunk gets a chunk of its
// own; a short sequence gets a chunk only as large as its terms can be.
const CHUNK_BYTES = 64 * 1024;

/**
 * F(start) … F(start + count − 1) as encoded `StreamSequenceResponse`s, lazily: each number is
 * computed only when the consumer asks for it, so a paused consumer pauses the work. The first
 * costs O(log start) big-integer multiplications (fast doubling), each next one a limb-wise
 * decimal addition and a copy of its digits into the message.
 */
export function* encodedSequence(
  start: number,
  count: number,
): Generator<EncodedTerm, void, undefined> {
  if (count <= 0) return;
  const last = start + count - 1;
  // Every term of the sequence fits in this many bytes (the last one is the largest).
  const termBound = encodedTermSize(last, maxDigits(last));
  const pair = new DecimalPair(start);
  let chunk = Buffer.alloc(0);
  let view = new DataView(chunk.buffer);
  let used = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) pair.advance();
    const digits = pair.digits();
    const size = encodedTermSize(pair.index, digits);
    if (used + size > chunk.length) {
      // Unzeroed memory is safe here: each term's view covers only bytes just written.
      chunk = Buffer.allocUnsafe(Math.max(size, Math.min(CHUNK_BYTES, (count - i) * termBound)));
      view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
      used = 0;
    }
    const end = writeTerm(pair, digits, view, used);
    const bytes = chunk.subarray(used, end);
    used = end;
    yield new EncodedTerm(pair.index, bytes, size - digits);
  }
}

/**
 * F(start) … F(start + count − 1) as one encoded `GetSequenceResponse`, written straight into one
 * buffer of `capacity` bytes, which must be an upper bound of its size
 * (`maxGetSequenceResponseBytes`): no message object, string or copy per number.
 */
export function encodeSequenceResponse(start: number, count: number, capacity: number): Buffer {
  const buffer = Buffer.allocUnsafe(capacity);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  if (count <= 0) return buffer.subarray(0, 0);
  const pair = new DecimalPair(start);
  let used = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) pair.advance();
    used = writeTerm(pair, pair.digits(), view, used);
  }
  return buffer.subarray(0, used);
}

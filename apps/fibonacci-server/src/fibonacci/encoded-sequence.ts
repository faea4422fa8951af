import { DecimalPair } from "./decimal-pair.js";
import { EncodedTerm, encodedTermSize, writeTerm } from "./encoded-term.js";

// Terms are written one after another into chunks of this size, each term a view of its chunk:
// one allocation per chunk, not per number. A term larger than a chunk gets a chunk of its own.
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
  const pair = new DecimalPair(start);
  let chunk = new DataView(new ArrayBuffer(0));
  let used = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) pair.advance();
    const digits = pair.digits();
    const size = encodedTermSize(pair.index, digits);
    if (used + size > chunk.byteLength) {
      chunk = new DataView(new ArrayBuffer(Math.max(CHUNK_BYTES, size)));
      used = 0;
    }
    const end = writeTerm(pair, digits, chunk, used);
    const bytes = Buffer.from(chunk.buffer, used, end - used);
    used = end;
    yield new EncodedTerm(pair.index, bytes, size - digits);
  }
}

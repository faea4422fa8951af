import type { TransferListItem } from "node:worker_threads";
import { DecimalPair, type DecimalState } from "../fibonacci/decimal-pair.js";
import { EncodedTerm, encodedTermSize, writeTerm } from "../fibonacci/encoded-term.js";

/** One batch of a sequence to compute: F(start) … while under `maxBytes`, at most `count`. */
export interface BatchRequest {
  readonly start: number;
  readonly count: number;
  /** Most bytes of encoded messages in the batch (it always holds at least one number). */
  readonly maxBytes: number;
  /** F(start) and F(start + 1) from the previous batch; absent for the first one. */
  readonly state?: DecimalState;
}

/** A computed batch: encoded `StreamSequenceResponse`s of F(start) …, and where the next starts. */
export interface BatchResult {
  /** The messages back to back, from offset 0. */
  readonly buffer: ArrayBuffer;
  /** For the i-th message: where its digits start (2i) and where it ends (2i + 1). */
  readonly bounds: Uint32Array<ArrayBuffer>;
  readonly state: DecimalState;
}

/**
 * Computes one batch, straight into protobuf bytes: the digits are added limb-wise and written
 * once, into the message that carries them. The batch is sent back by transferring its buffer,
 * so the bytes are never copied between threads. The state passed between batches saves redoing
 * the fast doubling each time.
 */
export function computeBatch({ start, count, maxBytes, state }: BatchRequest): BatchResult {
  const pair = new DecimalPair(start, state);
  let buffer: ArrayBuffer | undefined;
  let view: DataView | undefined;
  const bounds: number[] = [];
  let used = 0;
  while (bounds.length < 2 * count) {
    const digits = pair.digits();
    const size = encodedTermSize(pair.index, digits);
    buffer ??= new ArrayBuffer(Math.max(maxBytes, size));
    view ??= new DataView(buffer);
    if (used + size > view.byteLength) break;
    const end = writeTerm(pair, digits, view, used);
    bounds.push(end - digits, end);
    used = end;
    pair.advance();
  }
  return {
    buffer: buffer ?? new ArrayBuffer(0),
    bounds: new Uint32Array(bounds),
    state: pair.state(),
  };
}

/** What a worker transfers rather than copies when it answers with `batch`. */
export function transferredOf(batch: BatchResult): TransferListItem[] {
  return [batch.buffer, batch.bounds.buffer, batch.state.current.buffer, batch.state.next.buffer];
}

/** The terms of a batch that starts at index `start`, as views of its buffer. */
export function termsOf(start: number, { buffer, bounds }: BatchResult): EncodedTerm[] {
  const terms: EncodedTerm[] = [];
  let from = 0;
  for (let i = 0; 2 * i + 1 < bounds.length; i++) {
    const digitsAt = bounds[2 * i] ?? 0;
    const end = bounds[2 * i + 1] ?? 0;
    terms.push(new EncodedTerm(start + i, Buffer.from(buffer, from, end - from), digitsAt - from));
    from = end;
  }
  return terms;
}

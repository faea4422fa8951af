/**
 * Splits a stream of HTTP/2 DATA chunks into gRPC messages (5-byte prefix: compressed flag,
 * big-endian length). Chunks may cut messages anywhere.
 */
export interface GrpcFrameDecoder {
  /** Adds a chunk; returns the messages it completed, in order. Throws on a compressed message. */
  push(chunk: Uint8Array): Uint8Array[];
}

/** A decoder with nothing buffered. */
export function createGrpcFrameDecoder(): GrpcFrameDecoder {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
      const messages: Uint8Array[] = [];
      let offset = 0;
      while (pending.length - offset >= 5) {
        if (pending[offset] !== 0) throw new Error("compressed gRPC messages are not supported");
        const length = pending.readUInt32BE(offset + 1);
        if (pending.length - offset - 5 < length) break;
        messages.push(pending.subarray(offset + 5, offset + 5 + length));
        offset += 5 + length;
      }
      pending = pending.subarray(offset);
      return messages;
    },
  };
}

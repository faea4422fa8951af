/**
 * A gRPC length-prefixed message (gRPC over HTTP/2, "Length-Prefixed-Message"): a zero
 * compressed-flag byte, the length as a 4-byte big-endian integer, then the message.
 */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

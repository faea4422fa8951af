import { describe, expect, it } from "vitest";
import { grpcFrame } from "./grpc-frame.js";
import { createGrpcFrameDecoder } from "./grpc-frame-decoder.js";

describe("grpcFrame", () => {
  it("prefixes a zero flag byte and the big-endian length", () => {
    expect([...grpcFrame(Uint8Array.of(8, 20))]).toEqual([0, 0, 0, 0, 2, 8, 20]);
  });
});

describe("createGrpcFrameDecoder", () => {
  const stream = Buffer.concat([
    grpcFrame(Uint8Array.of(1, 2, 3)),
    grpcFrame(Uint8Array.of()),
    grpcFrame(Uint8Array.of(9)),
  ]);

  it("returns every message whatever the chunking", () => {
    for (let size = 1; size <= stream.length; size++) {
      const decoder = createGrpcFrameDecoder();
      const messages: number[][] = [];
      for (let at = 0; at < stream.length; at += size) {
        for (const message of decoder.push(stream.subarray(at, at + size))) {
          messages.push([...message]);
        }
      }
      expect(messages, `chunks of ${size}`).toEqual([[1, 2, 3], [], [9]]);
    }
  });

  it("refuses compressed messages", () => {
    expect(() => createGrpcFrameDecoder().push(Uint8Array.of(1, 0, 0, 0, 0))).toThrow(/compressed/);
  });
});

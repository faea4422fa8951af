import { describe, expect, it } from "vitest";
import { createAnswerCache, ENTRY_OVERHEAD_BYTES } from "./answer-cache.js";
import { encodeSequenceResponse } from "./encoded-sequence.js";
import { EncodedSequenceResponse } from "./encoded-sequence-response.js";
import { maxGetSequenceResponseBytes } from "./response-size.js";

/** An answer of `size` encoded bytes (the content does not matter to the cache). */
const answerOf = (size: number, fill = 1) => new EncodedSequenceResponse(Buffer.alloc(size, fill));
const cost = (size: number) => size + ENTRY_OVERHEAD_BYTES;

describe("createAnswerCache", () => {
  it("answers a repeated question with the bytes kept, in a buffer of its own", () => {
    const cache = createAnswerCache(1024 * 1024);
    const bytes = encodeSequenceResponse(10, 20, maxGetSequenceResponseBytes(10, 20));
    cache.keep(10, 20, new EncodedSequenceResponse(bytes));
    const kept = cache.get(10, 20);
    expect(kept?.bytes.equals(bytes)).toBe(true);
    expect(kept?.numbers[0]?.index).toBe(10);
    // Not a view into Node's shared allocation pool, whose slab would be kept uncounted.
    expect(kept?.bytes.buffer.byteLength).toBe(bytes.length);
    expect(cache.get(10, 21)).toBeUndefined();
    expect(cache.get(11, 20)).toBeUndefined();
    expect(cache.bytes).toBe(cost(bytes.length));
  });

  it("evicts the least recently used answers to stay within its bytes", () => {
    const cache = createAnswerCache(16 * cost(100));
    for (let start = 0; start < 16; start++) cache.keep(start, 1, answerOf(100));
    expect(cache.size).toBe(16);
    expect(cache.get(0, 1)).toBeDefined(); // now the most recently used
    cache.keep(16, 1, answerOf(100));
    expect(cache.get(1, 1)).toBeUndefined(); // the least recently used went
    expect(cache.get(0, 1)).toBeDefined();
    expect(cache.get(16, 1)).toBeDefined();
    expect(cache.size).toBe(16);
    expect(cache.bytes).toBe(16 * cost(100));
  });

  it("never holds more than its bytes, whatever is kept", () => {
    const maxBytes = 64 * 1024;
    const cache = createAnswerCache(maxBytes);
    let seed = 7;
    for (let i = 0; i < 5_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      cache.keep(seed % 300, 1 + (seed % 7), answerOf(seed % 5_000));
      expect(cache.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(cache.size).toBeGreaterThan(0);
  });

  it("does not keep an answer bigger than a sixteenth of its bytes", () => {
    const cache = createAnswerCache(16 * cost(1_000));
    cache.keep(0, 1, answerOf(1_001));
    expect(cache.size).toBe(0);
    cache.keep(0, 1, answerOf(1_000));
    expect(cache.size).toBe(1);
  });

  it("replaces an answer kept again, counting it once", () => {
    const cache = createAnswerCache(1024 * 1024);
    cache.keep(0, 1, answerOf(100, 1));
    cache.keep(0, 1, answerOf(200, 2));
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(cost(200));
    expect(cache.get(0, 1)?.bytes[0]).toBe(2);
  });

  it("keeps nothing with 0 bytes", () => {
    const cache = createAnswerCache(0);
    cache.keep(0, 1, answerOf(0));
    expect(cache.get(0, 1)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });
});

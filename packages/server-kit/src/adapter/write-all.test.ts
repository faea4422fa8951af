import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { type MessageSink, writeAll } from "./write-all.js";

/**
 * A sink standing in for a grpc-js call whose reader is stalled: it accepts every write (never
 * asks for 'drain') and sends nothing until the test calls `send`.
 */
function stalledSink(): MessageSink<string> & {
  unsent(): number;
  maxUnsent(): number;
  send(): void;
} {
  const events = new EventEmitter();
  const pending: { size: number; sent: (() => void) | undefined }[] = [];
  let max = 0;
  const unsent = () => pending.reduce((total, { size }) => total + size, 0);
  return {
    write(message, sent) {
      pending.push({ size: message.length, sent });
      max = Math.max(max, unsent());
      return true;
    },
    once(event, listener) {
      return events.once(event, listener);
    },
    unsent,
    maxUnsent: () => max,
    send() {
      pending.shift()?.sent?.();
    },
  };
}

describe("writeAll with a send-buffer limit", () => {
  it("stops asking for messages while maxBytes or more are unsent, and resumes as they are sent", async () => {
    const sink = stalledSink();
    const maxBytes = 1000;
    const message = "x".repeat(300);
    let produced = 0;
    let highWater = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        highWater = Math.max(highWater, sink.unsent());
        produced++;
        yield message;
      }
    }
    const writing = writeAll(sink, source(), new AbortController().signal, {
      maxBytes,
      sizeOf: (m) => m.length,
    });
    // 4 messages (1200 bytes) reach the limit; the fifth is not produced until one is sent.
    await vi.waitFor(() => expect(produced).toBe(4));
    await Promise.resolve();
    expect(produced).toBe(4);
    while (produced < 20 || sink.unsent() > 0) {
      sink.send();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;
    expect(produced).toBe(20);
    // Asked for a message only below the limit, so never more unsent than the limit plus one.
    expect(highWater).toBeLessThan(maxBytes);
    expect(sink.maxUnsent()).toBeLessThanOrEqual(maxBytes + message.length);
  });

  it("ends with the signal's reason while waiting for unsent bytes", async () => {
    const sink = stalledSink();
    const controller = new AbortController();
    let closed = false;
    async function* source() {
      try {
        for (;;) yield "y".repeat(600);
      } finally {
        closed = true;
      }
    }
    const writing = writeAll(sink, source(), controller.signal, {
      maxBytes: 1000,
      sizeOf: (m) => m.length,
    });
    await vi.waitFor(() => expect(sink.unsent()).toBe(1200));
    const reason = new Error("cancelled");
    controller.abort(reason);
    await expect(writing).rejects.toBe(reason);
    await vi.waitFor(() => expect(closed).toBe(true));
  });
});

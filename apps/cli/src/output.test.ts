import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { createOutput, type OutputStream } from "./output.js";

/** A stdout stand-in whose write() reports a full buffer when told to. */
class FakeStream extends EventEmitter implements OutputStream {
  readonly written: string[] = [];
  full = false;

  write(chunk: string): boolean {
    this.written.push(chunk);
    return !this.full;
  }
}

const epipe = () => Object.assign(new Error("write EPIPE"), { code: "EPIPE" });

describe("createOutput", () => {
  it("writes text lines, or JSON lines with --json", async () => {
    const stream = new FakeStream();
    const text = createOutput(stream, { json: false, onClosed: () => {} });
    const json = createOutput(stream, { json: true, onClosed: () => {} });
    await text.result("1 1", { index: "1", value: "1" });
    await json.result("1 1", { index: "1", value: "1", big: "12345678901234567890", none: null });
    expect(stream.written).toEqual([
      "1 1\n",
      '{"index":"1","value":"1","big":"12345678901234567890","none":null}\n',
    ]);
  });

  it("waits for 'drain' when the stream's buffer is full", async () => {
    const stream = new FakeStream();
    const output = createOutput(stream, { json: false, onClosed: () => {} });
    stream.full = true;
    let done = false;
    const writing = output.result("x", {}).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    stream.emit("drain");
    await writing;
    expect(done).toBe(true);
  });

  it("treats EPIPE as the reader leaving: onClosed once, later results dropped, no failure", async () => {
    const stream = new FakeStream();
    let closed = 0;
    const output = createOutput(stream, { json: false, onClosed: () => (closed += 1) });
    stream.full = true;
    const pending = output.result("a", {});
    stream.emit("error", epipe());
    stream.emit("error", epipe());
    await pending;
    await output.result("b", {});
    expect(closed).toBe(1);
    expect(stream.written).toEqual(["a\n"]);
    expect(output.failure).toBeUndefined();
  });

  it("keeps any other write error as the failure to report", () => {
    const stream = new FakeStream();
    let closed = 0;
    const output = createOutput(stream, { json: false, onClosed: () => (closed += 1) });
    const full = Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    stream.emit("error", full);
    expect(closed).toBe(1);
    expect(output.failure).toBe(full);
  });
});

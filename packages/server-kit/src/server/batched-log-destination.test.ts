import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BatchedLogDestination } from "./batched-log-destination.js";

describe("BatchedLogDestination", () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    vi.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), "fibchat-log-"));
    file = join(dir, "out.log");
    fd = openSync(file, "w");
  });
  afterEach(() => {
    vi.useRealTimers();
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  const written = () => readFileSync(file, "utf8");

  it("writes the turn's lines together, in order, at the end of the turn", () => {
    const destination = new BatchedLogDestination(fd);
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    expect(written()).toBe("");
    vi.runOnlyPendingTimers();
    expect(written()).toBe('{"n":1}\n{"n":2}\n');
  });

  it("writes at once when 32 KiB are pending, without waiting", () => {
    const destination = new BatchedLogDestination(fd);
    const line = `${"x".repeat(1023)}\n`;
    for (let i = 0; i < 31; i++) destination.write(line);
    expect(written()).toBe("");
    destination.write(line);
    expect(written()).toBe(line.repeat(32));
    vi.runOnlyPendingTimers();
    expect(written()).toBe(line.repeat(32));
  });

  it("keeps the order when a line is too long to gather, and splits no character", () => {
    const destination = new BatchedLogDestination(fd);
    const long = `${"€".repeat(30_000)}\n`;
    destination.write("before\n");
    destination.write(long);
    destination.write("after\n");
    vi.runOnlyPendingTimers();
    expect(written()).toBe(`before\n${long}after\n`);
  });

  it("writes what is pending on flush (process exit), and the turn's end then writes nothing twice", () => {
    const destination = new BatchedLogDestination(fd);
    destination.write("a\n");
    destination.flush();
    expect(written()).toBe("a\n");
    destination.write("é and 👋\n");
    vi.runOnlyPendingTimers();
    expect(written()).toBe("a\né and 👋\n");
  });
});

import { describe, expect, it } from "vitest";
import { createStopper, exitCodeOfStop } from "./stop.js";

describe("createStopper", () => {
  it("keeps the first reason and aborts its signal once", () => {
    const stopper = createStopper();
    let aborts = 0;
    stopper.signal.addEventListener("abort", () => (aborts += 1));
    expect(stopper.reason).toBeUndefined();
    stopper.stop("output-closed");
    stopper.stop("interrupted");
    expect(stopper.reason).toBe("output-closed");
    expect(aborts).toBe(1);
  });

  it("follows an interrupt signal, even one aborted before it was made", () => {
    const interrupt = new AbortController();
    const stopper = createStopper(interrupt.signal);
    interrupt.abort();
    expect(stopper).toMatchObject({ reason: "interrupted", signal: { aborted: true } });

    expect(createStopper(AbortSignal.abort()).reason).toBe("interrupted");
  });

  it("maps Ctrl-C to 130 and a closed stdout to 0", () => {
    expect(exitCodeOfStop("interrupted")).toBe(130);
    expect(exitCodeOfStop("output-closed")).toBe(0);
  });
});

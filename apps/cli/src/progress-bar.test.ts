import { describe, expect, it } from "vitest";
import { createProgressBar, renderProgressBar } from "./progress-bar.js";

describe("renderProgressBar", () => {
  it.each([
    [0, 10, 80, "[----------------------------------------]   0%  0/10"],
    [5, 10, 80, "[####################--------------------]  50%  5/10"],
    [10, 10, 80, "[########################################] 100%  10/10"],
    [0, 0, 80, "[########################################] 100%  0/0"],
    [1, 4, 20, "[#------]  25%  1/4"],
    [1, 4, 8, "25%  1/4"],
  ])("draws %d of %d in %d columns", (done, total, columns, expected) => {
    expect(renderProgressBar(done, total, columns)).toBe(expected);
  });
});

describe("createProgressBar", () => {
  it("redraws at most once per interval, always at the end, and clears its line", () => {
    const writes: string[] = [];
    let time = 0;
    const bar = createProgressBar({ write: (chunk) => writes.push(chunk) > 0, columns: 30 }, 3, {
      intervalMs: 100,
      now: () => time,
    });
    bar.update(1);
    time = 50;
    bar.update(2);
    expect(writes).toHaveLength(1);
    bar.update(3);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain("3/3");
    bar.clear();
    expect(writes[2]).toBe("\r\u001b[2K");
    bar.clear();
    expect(writes).toHaveLength(3);
  });
});

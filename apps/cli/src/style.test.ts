import { describe, expect, it } from "vitest";
import { colorEnabled, createStyle } from "./style.js";

describe("colorEnabled", () => {
  it.each([
    { isTTY: true, flag: true, env: {}, expected: true },
    { isTTY: false, flag: true, env: {}, expected: false },
    { isTTY: true, flag: false, env: {}, expected: false },
    { isTTY: true, flag: true, env: { NO_COLOR: "1" }, expected: false },
    { isTTY: true, flag: true, env: { NO_COLOR: "" }, expected: true },
  ])("is $expected for a TTY=$isTTY, flag=$flag, env=$env", ({ expected, ...settings }) => {
    expect(colorEnabled(settings)).toBe(expected);
  });
});

describe("createStyle", () => {
  it("leaves text alone when colour is off and paints it when on", () => {
    expect(createStyle(false).bad("no")).toBe("no");
    const painted = createStyle(true).bad("no");
    expect(painted).not.toBe("no");
    expect(painted).toContain("no");
    expect(painted).toContain("\u001b[");
  });
});

import { InvalidArgumentError } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { parseDurationArgument, parseNonEmpty, parseUint32, parseUint64 } from "./arguments.js";

describe("parseUint32", () => {
  it.each([
    ["0", 0],
    ["10", 10],
    ["007", 7],
    ["4294967295", 4_294_967_295],
  ])("reads %s", (text, value) => {
    expect(parseUint32(text)).toBe(value);
  });

  it.each(["", "-1", "1.5", "1e3", " 1", "0x10", "4294967296", "ten"])("refuses %j", (text) => {
    expect(() => parseUint32(text)).toThrow(InvalidArgumentError);
  });
});

describe("parseUint64", () => {
  it.each([
    ["0", 0n],
    ["18446744073709551615", 18_446_744_073_709_551_615n],
  ])("reads %s exactly", (text, value) => {
    expect(parseUint64(text)).toBe(value);
  });

  it.each(["", "-1", "18446744073709551616", "1.0"])("refuses %j", (text) => {
    expect(() => parseUint64(text)).toThrow(InvalidArgumentError);
  });
});

describe("parseDurationArgument and parseNonEmpty", () => {
  it("turn bad values into usage errors that say what is expected", () => {
    expect(parseDurationArgument("250ms")).toBe(250);
    expect(() => parseDurationArgument("5")).toThrow(InvalidArgumentError);
    expect(() => parseDurationArgument("5")).toThrow(/such as 500ms, 5s/);
    expect(parseNonEmpty("x")).toBe("x");
    expect(() => parseNonEmpty("")).toThrow(InvalidArgumentError);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError } from "./option.js";
import {
  bytes,
  duration,
  formatBytes,
  formatDuration,
  formatHostPort,
  integer,
  optionalHostPort,
} from "./parsers.js";

describe("duration", () => {
  it.each([
    ["250", 250],
    ["250ms", 250],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["2h", 7_200_000],
    ["30d", 2_592_000_000],
  ])("%s is %i ms", (raw, ms) => {
    expect(duration(raw)).toBe(ms);
    expect(duration(formatDuration(ms))).toBe(ms);
  });

  it.each(["", "s", "-1s", "5 minutes"])("rejects %j", (raw) => {
    expect(() => duration(raw)).toThrow(ConfigError);
  });
});

describe("bytes", () => {
  it.each([
    ["1", 1],
    ["4MiB", 4 * 1024 * 1024],
    ["512kib", 512 * 1024],
    ["1MB", 1_000_000],
  ])("%s is %i bytes", (raw, value) => {
    expect(bytes(raw)).toBe(value);
    expect(bytes(formatBytes(value))).toBe(value);
  });

  it.each(["0", "3GiB", "4 parsecs", "-1"])("rejects %j", (raw) => {
    expect(() => bytes(raw)).toThrow(ConfigError);
  });
});

describe("integer", () => {
  it("accepts the bounds and rejects past them", () => {
    const port = integer(0, 65535);
    expect(port("0")).toBe(0);
    expect(port("65535")).toBe(65535);
    expect(() => port("65536")).toThrow('"65536" is not a whole number from 0 to 65535');
    expect(() => port("1e3")).toThrow(ConfigError);
  });
});

describe("optionalHostPort", () => {
  it.each([
    ["127.0.0.1:9464", { host: "127.0.0.1", port: 9464 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:9464", { host: "::1", port: 9464 }],
    ["", undefined],
  ])("%j", (raw, expected) => {
    expect(optionalHostPort(raw)).toEqual(expected);
    if (expected !== undefined)
      expect(optionalHostPort(formatHostPort(expected))).toEqual(expected);
  });

  it.each(["9464", ":9464", "host:", "host:65536", "::1:9464", "host:port"])(
    "rejects %j",
    (raw) => {
      expect(() => optionalHostPort(raw)).toThrow(ConfigError);
    },
  );
});

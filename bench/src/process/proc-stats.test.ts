import { expect, it } from "vitest";
import { parseBusySeconds, parseTreeSeconds } from "./foreign-cpu.js";
import { parseCpuSeconds, parseStatusBytes } from "./proc-stats.js";

it("reads kB fields of /proc/<pid>/status as bytes", () => {
  const status = "Name:\tnode\nVmHWM:\t  123456 kB\nVmRSS:\t   98765 kB\n";
  expect(parseStatusBytes(status, "VmHWM")).toBe(123_456 * 1024);
  expect(parseStatusBytes(status, "VmRSS")).toBe(98_765 * 1024);
  expect(parseStatusBytes(status, "VmSwap")).toBeUndefined();
});

it("adds utime and stime of /proc/<pid>/stat, whatever the command name holds", () => {
  const rest = "S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 11 0 1234 5678 90";
  expect(parseCpuSeconds(`4242 (node) ${rest}`)).toBe(3);
  expect(parseCpuSeconds(`4242 (a) b (c)) ${rest}`)).toBe(3);
  expect(() => parseCpuSeconds("4242 (node)")).toThrow(/unexpected/);
});

it("counts busy time of /proc/stat and the CPU time of a process tree", () => {
  expect(parseBusySeconds("cpu  500 10 200 9000 40 5 25 60 0 0\ncpu0 1 2 3\n")).toBe(8);
  const rest = "S 77 2 3 4 5 6 7 8 9 10 250 50 100 0 20 0 11 0 1234 5678 90";
  expect(parseTreeSeconds(`4242 (node) ${rest}`)).toEqual([77, 4]);
});

import { readFile } from "node:fs/promises";

/**
 * Linux reports CPU time in /proc in USER_HZ ticks, which the kernel ABI fixes at 100 per second
 * on every architecture Node supports (`getconf CLK_TCK`).
 */
export const TICKS_PER_SECOND = 100;

/** A `kB` field of /proc/<pid>/status (e.g. `VmHWM`), in bytes; undefined if absent. */
export function parseStatusBytes(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

/**
 * User plus system CPU seconds of all threads, from the text of /proc/<pid>/stat. The command
 * name (field 2) may hold spaces and parentheses, so fields are counted from its last `)`.
 */
export function parseCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name come state (field 3) … utime (14) and stime (15): indexes 11 and 12 here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`unexpected /proc/<pid>/stat format: ${stat.slice(0, 120)}`);
  }
  return (utime + stime) / TICKS_PER_SECOND;
}

/** Resident and peak resident memory of a live process, in bytes. */
export interface MemoryUse {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}

/** Reads VmRSS and VmHWM of process `pid`. */
export async function readMemoryUse(pid: number): Promise<MemoryUse> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rssBytes = parseStatusBytes(status, "VmRSS");
  const peakRssBytes = parseStatusBytes(status, "VmHWM");
  if (rssBytes === undefined || peakRssBytes === undefined) {
    throw new Error(`/proc/${pid}/status has no VmRSS or VmHWM`);
  }
  return { rssBytes, peakRssBytes };
}

/** CPU seconds process `pid` has used so far (all threads, user + system). */
export async function readCpuSeconds(pid: number): Promise<number> {
  return parseCpuSeconds(await readFile(`/proc/${pid}/stat`, "utf8"));
}

/**
 * Starts measuring the CPU use of `pid`; the returned function gives the % of one core it used
 * since (200 = two cores busy).
 */
export async function startCpuMeter(pid: number): Promise<() => Promise<number>> {
  const cpuBefore = await readCpuSeconds(pid);
  const before = performance.now();
  return async () => {
    const cpu = (await readCpuSeconds(pid)) - cpuBefore;
    const seconds = (performance.now() - before) / 1000;
    return seconds > 0 ? (100 * cpu) / seconds : 0;
  };
}

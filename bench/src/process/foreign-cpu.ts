import { readdir, readFile } from "node:fs/promises";
import { TICKS_PER_SECOND } from "./proc-stats.js";

/**
 * The machine's busy CPU seconds, all cores together, from the first line of /proc/stat:
 * user, nice, system, irq, softirq and steal (idle and iowait are not busy).
 */
export function parseBusySeconds(procStat: string): number {
  const fields = procStat.split("\n", 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** `[ppid, CPU seconds of the process and of its children it has waited for]` from /proc/<pid>/stat. */
export function parseTreeSeconds(stat: string): [ppid: number, seconds: number] {
  const fields = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  // After the name: ppid is field 4 (index 1); utime, stime, cutime, cstime are 14–17 (11–14).
  const ticks = (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
  return [fields[1] ?? 0, ticks / TICKS_PER_SECOND];
}

/**
 * CPU seconds used by this process and its descendants: the living ones read directly, the
 * exited ones through the `cutime`/`cstime` of whoever reaped them.
 */
async function ownSeconds(): Promise<number> {
  const stats = new Map<number, [number, number]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), parseTreeSeconds(await readFile(`/proc/${entry}/stat`, "utf8")));
    } catch {
      // The process exited while we looked.
    }
  }
  const ours = new Set([process.pid]);
  let total = 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, [ppid, seconds]] of stats) {
      if (ours.has(pid) || !ours.has(ppid)) continue;
      ours.add(pid);
      grew = true;
      total += seconds;
    }
  }
  return total + (stats.get(process.pid)?.[1] ?? 0);
}

/**
 * Starts measuring what *other* processes cost the machine; the returned function gives their
 * CPU use since, in % of one core. The machine is shared: this is how a report says whether
 * someone else's build ran during a scenario.
 */
export async function startForeignCpuMeter(): Promise<() => Promise<number>> {
  const busyBefore = parseBusySeconds(await readFile("/proc/stat", "utf8"));
  const ownBefore = await ownSeconds();
  const startedAt = performance.now();
  return async () => {
    const busy = parseBusySeconds(await readFile("/proc/stat", "utf8")) - busyBefore;
    const own = (await ownSeconds()) - ownBefore;
    const seconds = (performance.now() - startedAt) / 1000;
    return seconds > 0 ? Math.max(0, (100 * (busy - own)) / seconds) : 0;
  };
}

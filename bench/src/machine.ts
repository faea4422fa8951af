import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import type { MachineInfo } from "./report/results.js";

/** The machine this run is on, as the report describes it. */
export async function machineInfo(): Promise<MachineInfo> {
  return {
    cpus: availableParallelism(),
    cpuModel: await cpuModel(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg()[0] ?? 0,
  };
}

/** `model name` of /proc/cpuinfo, which names the CPU even where `os.cpus()` does not. */
async function cpuModel(): Promise<string> {
  try {
    const cpuinfo = await readFile("/proc/cpuinfo", "utf8");
    const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1];
    if (model !== undefined) return model.trim();
  } catch {
    // Not Linux: fall through to what Node knows.
  }
  return cpus()[0]?.model ?? "unknown CPU";
}

import type { LoadGenerator } from "../load/load-generator.js";
import { startCpuMeter } from "../process/proc-stats.js";
import type { RunningServer } from "../process/server-process.js";
import type { Round } from "./measurement.js";

/** The call every unary row makes: GetSequence(count = 20). */
export const UNARY_REQUEST = { start: 0, count: 20 };

/** One round of unary GetSequence(20) against `server` at `concurrency` calls in flight. */
export async function measureUnary(
  load: LoadGenerator,
  server: RunningServer,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
): Promise<Round> {
  const cpu = await startCpuMeter(server.pid);
  const result = await load.unary(server.address, {
    request: UNARY_REQUEST,
    concurrency,
    warmupMs,
    durationMs,
  });
  return {
    value: result.completed / result.seconds,
    latency: result.latency,
    cpuPercent: await cpu(),
    problems: result.problems,
  };
}

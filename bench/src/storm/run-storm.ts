import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { FibonacciServiceClient } from "@fibchat/contracts/fibonacci/v1";
import { credentials, type ServiceError, status } from "@grpc/grpc-js";
import { readCpuSeconds, readMemoryUse } from "../process/proc-stats.js";
import type { RunningServer } from "../process/server-process.js";
import { type LatencySummary, summarize } from "../stats/percentiles.js";

/** The storm: `streams` StreamSequence(start + i, count) calls opened at once on one connection. */
export interface StormPlan {
  readonly streams: number;
  readonly start: number;
  readonly count: number;
  readonly deadlineMs: number;
  /** Pause between two probes of the second client. */
  readonly probeGapMs: number;
}

/** What one storm did to the server and to the second client. */
export interface StormOutcome {
  /** Storm calls by final status name (`OK`, `RESOURCE_EXHAUSTED`, `DEADLINE_EXCEEDED`, …). */
  readonly stormStatus: Readonly<Record<string, number>>;
  /** From opening the storm to the end of its last call. */
  readonly stormMs: number;
  /** The second client's first GetSequence(count = 3), connection set-up included. */
  readonly firstProbeMs: number;
  /** Every probe that completed while the storm was open, first one included. */
  readonly probes: LatencySummary;
  /** Probes that failed (e.g. their 30 s deadline passed). */
  readonly failedProbes: number;
  readonly serverCpuSeconds: number;
  readonly peakRssBytes: number;
}

const PROBE_MAIN = fileURLToPath(new URL("./probe-client.js", import.meta.url));

function parseReport(text: string): { latenciesMs: number[]; failed: number } {
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed === "object" &&
    parsed !== null &&
    "latenciesMs" in parsed &&
    Array.isArray(parsed.latenciesMs) &&
    "failed" in parsed &&
    typeof parsed.failed === "number"
  )
    return { latenciesMs: parsed.latenciesMs.map(Number), failed: parsed.failed };
  throw new Error(`the probe client printed ${text}`);
}

/**
 * Opens the storm from one client, and meanwhile has a second client (its own process, so its
 * own connection) ask GetSequence(start = 0, count = 3) again and again until the storm is over.
 */
export async function runStorm(server: RunningServer, plan: StormPlan): Promise<StormOutcome> {
  const storm = new FibonacciServiceClient(server.address, credentials.createInsecure());
  const cpuBefore = await readCpuSeconds(server.pid);
  const began = performance.now();
  const calls = Array.from({ length: plan.streams }, (_, i) =>
    stormCall(storm, plan.start + i, plan.count, plan.deadlineMs),
  );
  const stormDone = Promise.all(calls).then((codes) => ({ codes, ms: performance.now() - began }));
  const probe = spawn(process.execPath, [PROBE_MAIN, server.address, String(plan.probeGapMs)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let report = "";
  probe.stdout.on("data", (chunk: Buffer) => {
    report += chunk.toString("utf8");
  });
  const probeExited = once(probe, "exit");
  await stormDone;
  probe.stdin.end();
  await probeExited;
  const { latenciesMs, failed: failedProbes } = parseReport(report);
  const latencies = latenciesMs;

  const { codes, ms } = await stormDone;
  const stormStatus: Record<string, number> = {};
  for (const code of codes) {
    const name = status[code] ?? String(code);
    stormStatus[name] = (stormStatus[name] ?? 0) + 1;
  }
  const serverCpuSeconds = (await readCpuSeconds(server.pid)) - cpuBefore;
  const { peakRssBytes } = await readMemoryUse(server.pid);
  storm.close();
  return {
    stormStatus,
    stormMs: ms,
    firstProbeMs: latencies[0] ?? Number.NaN,
    probes: summarize(latencies),
    failedProbes,
    serverCpuSeconds,
    peakRssBytes,
  };
}

function stormCall(
  client: FibonacciServiceClient,
  start: number,
  count: number,
  deadlineMs: number,
): Promise<status> {
  return new Promise((resolve) => {
    const call = client.streamSequence({ start, count }, { deadline: Date.now() + deadlineMs });
    call.on("data", () => {});
    call.on("error", (error: ServiceError) => resolve(error.code));
    call.on("end", () => resolve(status.OK));
  });
}

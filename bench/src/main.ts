#!/usr/bin/env node
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAgentLoadGenerator } from "./load/agent-load.js";
import { createH2loadGenerator, h2loadVersion } from "./load/h2load.js";
import { machineInfo } from "./machine.js";
import { parseBenchOptions, USAGE } from "./options.js";
import { killChildren } from "./process/child-registry.js";
import { startForeignCpuMeter } from "./process/foreign-cpu.js";
import { renderTable } from "./report/markdown-report.js";
import type { ScenarioResult } from "./report/results.js";
import { writeResults } from "./report/write-results.js";
import { SCENARIOS } from "./scenarios/index.js";
import { serverCatalog } from "./servers.js";

const options = parseBenchOptions(process.argv.slice(2));
if (options === "help") {
  process.stdout.write(USAGE);
  process.exit(0);
}
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping servers and agents`);
    killChildren();
    process.exit(130);
  });
}
const scenarios = SCENARIOS.filter(
  (s) => options.only === undefined || options.only.includes(s.id),
);
if (scenarios.length === 0) throw new Error(`no scenario is called ${options.only?.join(", ")}`);

const scratchDir = await mkdtemp(join(tmpdir(), "fibchat-bench-"));
try {
  const version = options.h2load ? await h2loadVersion() : undefined;
  const load =
    version !== undefined
      ? createH2loadGenerator(version, scratchDir)
      : createAgentLoadGenerator(
          options.h2load
            ? "h2load is not installed; apt-get install nghttp2-client for lighter load generation"
            : "--no-h2load",
          scratchDir,
        );
  log(`${options.mode.name} mode; load generator: ${load.description}`);
  const profileArgs = ["--cpu-prof", `--cpu-prof-dir=${join(options.outDir, "profiles")}`];
  const context = {
    mode: options.mode,
    load,
    servers: serverCatalog(
      scratchDir,
      options.profile ? profileArgs : [],
      options.before,
      options.beforeChat,
    ),
    log,
  };
  const startedAt = new Date().toISOString();
  const machine = await machineInfo();
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    log(`scenario ${scenario.id}`);
    const otherCpu = await startForeignCpuMeter();
    const result = await scenario.run(context);
    const otherCpuPercent = await otherCpu();
    if (otherCpuPercent > 10)
      log(`other processes used ${Math.round(otherCpuPercent)} % of a core`);
    results.push({ ...result, otherCpuPercent });
  }
  await writeResults(options.outDir, {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: options.mode.name,
    machine,
    loadGenerator: load.description,
    scenarios: results,
  });
  process.stdout.write(`${renderTable(results.flatMap((result) => result.rows))}\n`);
  log(`results written to ${options.outDir}`);
} finally {
  killChildren();
  await rm(scratchDir, { recursive: true, force: true });
}

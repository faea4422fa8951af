import { parseArgs } from "node:util";
import { startServer } from "../process/server-process.js";
import { runStorm } from "./run-storm.js";

// Usage: node bench/dist/storm/main.js --server path/to/fibonacci-server/dist/main.js
//          [--streams 200] [--start 500000] [--count 20] [--deadline-ms 60000] [-- server flags]
// Prints one JSON line per run: the storm's outcome and the second client's latency.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: "string" },
    label: { type: "string", default: "" },
    streams: { type: "string", default: "200" },
    start: { type: "string", default: "500000" },
    count: { type: "string", default: "20" },
    "deadline-ms": { type: "string", default: "60000" },
    "probe-gap-ms": { type: "string", default: "20" },
  },
});
if (values.server === undefined) throw new Error("--server path/to/dist/main.js is required");

const server = await startServer({
  name: values.label || values.server,
  main: values.server,
  nodeArgs: [],
  args: ["--log-level", "warn", ...positionals],
});
try {
  const outcome = await runStorm(server, {
    streams: Number(values.streams),
    start: Number(values.start),
    count: Number(values.count),
    deadlineMs: Number(values["deadline-ms"]),
    probeGapMs: Number(values["probe-gap-ms"]),
  });
  const { probes, ...rest } = outcome;
  console.log(
    JSON.stringify({
      label: values.label,
      node: process.version,
      ...rest,
      probeCount: probes.count,
      probeP50Ms: Math.round(probes.p50 * 10) / 10,
      probeP99Ms: Math.round(probes.p99 * 10) / 10,
      probeMaxMs: Math.round(probes.max * 10) / 10,
    }),
  );
} finally {
  await server.stop();
}

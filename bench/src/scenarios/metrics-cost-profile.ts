import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerSpec } from "../process/server-process.js";
import { selfShare } from "../profile/self-share.js";
import type { ComparisonRow } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { BenchContext } from "./bench-context.js";
import { measureUnary } from "./measure-unary.js";
import type { StartServer } from "./with-servers.js";

/** Issue 13: serving metrics may cost at most 3 % of the server's work per call. */
const METRICS_COST_TARGET = 0.03;

/** The code of fibchat's metrics (and tracing, off here): server-kit's `telemetry/` folder. */
const isTelemetry = (url: string) => url.includes("/server-kit/dist/telemetry/");
/** grpc-js's interceptor machinery: each interceptor adds one `ServerInterceptingCall` per call. */
const isGrpcInterceptors = (url: string) =>
  url.endsWith("/@grpc/grpc-js/build/src/server-interceptors.js");
/** V8's garbage collector (no script URL): what the extra objects per call cost later. */
const GC = "(garbage collector)";

/**
 * What metrics cost per call, read from CPU profiles of the same server with and without
 * `--metrics-address`, loaded alike (alternating rounds at `concurrency` in flight): the share of
 * the metrics-on server's busy time in fibchat's telemetry code, plus the growth, if any, of the
 * shares of grpc-js's interceptor machinery (the extra `ServerInterceptingCall` layer) and of the
 * garbage collector (its objects). Growth is counted, shrinkage is not: the estimate errs on the
 * side of a higher cost. Shares, unlike
 * calls/s, do not move when the machine as a whole speeds up or slows down between rounds, which
 * on a shared 2-core machine moves calls/s by more than the 3 % this measures.
 */
export async function metricsCostByProfile(
  context: BenchContext,
  start: StartServer,
  concurrency: number,
  scenario: string,
): Promise<{ readonly row: ComparisonRow; readonly notes: readonly string[] }> {
  const { servers, mode, log, load } = context;
  const dir = await mkdtemp(join(tmpdir(), "fibchat-metrics-profile-"));
  try {
    const profiled = (spec: ServerSpec, name: string): ServerSpec => ({
      ...spec,
      name: `${spec.name} (profiled)`,
      nodeArgs: [...spec.nodeArgs, "--cpu-prof", `--cpu-prof-dir=${join(dir, name)}`],
    });
    const off = await start(profiled(servers.fibonacci("warn"), "off"));
    const on = await start(profiled(servers.fibonacci("warn", { metrics: true }), "on"));
    await alternate([off, on], mode.rounds, (server, round) => {
      log(`unary, ${concurrency} in flight: ${server.name}, round ${round + 1}`);
      return measureUnary(load, server, concurrency, mode.warmupMs, mode.roundMs);
    });
    // Node writes a profile when the process exits.
    await Promise.all([off.stop(), on.stop()]);
    const [offProfile, onProfile] = await Promise.all([
      profileIn(join(dir, "off")),
      profileIn(join(dir, "on")),
    ]);
    const telemetry = selfShare(onProfile, isTelemetry);
    const shares = (matches: (url: string, name: string) => boolean) =>
      [onProfile, offProfile].map((profile) => selfShare(profile, matches));
    const [interceptorsOn = 0, interceptorsOff = 0] = shares(isGrpcInterceptors);
    const [gcOn = 0, gcOff = 0] = shares((_url, name) => name === GC);
    const cost =
      telemetry + Math.max(0, interceptorsOn - interceptorsOff) + Math.max(0, gcOn - gcOff);
    const percent = (share: number) => `${(100 * share).toFixed(2)} %`;
    return {
      row: {
        scenario: `${scenario}: metrics on vs off, share of server CPU by profile`,
        metric: "% of server CPU spent on metrics",
        better: "lower",
        fibchat: { server: "fibchat (metrics on)", value: 100 * cost, rounds: [100 * cost] },
        baseline: { server: "fibchat", value: 0, rounds: [0] },
        target: {
          description: `≤ ${100 * METRICS_COST_TARGET} % of server CPU`,
          met: cost <= METRICS_COST_TARGET,
        },
      },
      notes: [
        `Metrics by CPU profile (${concurrency} in flight, both servers under \`--cpu-prof\`): fibchat's telemetry code is ${percent(telemetry)} of the metrics-on server's busy time; grpc-js's interceptor machinery ${percent(interceptorsOn)} with metrics on and ${percent(interceptorsOff)} without (metrics add one interceptor to the one every fibchat server has); the garbage collector ${percent(gcOn)} and ${percent(gcOff)}. Cost = telemetry + the growth of the other two = ${percent(cost)}.`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The one `.cpuprofile` a profiled server wrote into `dir`, parsed. */
async function profileIn(dir: string): Promise<unknown> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".cpuprofile"));
  const [file] = files;
  if (file === undefined || files.length > 1) {
    throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  }
  return JSON.parse(await readFile(join(dir, file), "utf8"));
}

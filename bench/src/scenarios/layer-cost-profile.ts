import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerSpec } from "../process/server-process.js";
import type { CpuProfile } from "../profile/cpu-profile.js";
import { selfShare } from "../profile/self-share.js";
import { readSourceMappedProfile } from "../profile/source-mapped-profile.js";
import type { ComparisonRow } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { BenchContext } from "./bench-context.js";
import { measureUnary } from "./measure-unary.js";
import type { StartServer } from "./with-servers.js";

/** Which functions of a profile a share counts: by script URL, or V8 label as function name. */
export type ProfileMatch = (url: string, functionName: string) => boolean;

/** A layer of fibchat's server whose cost per call is read from CPU profiles. */
export interface ProfiledLayer {
  /** What the row compares, e.g. `metrics on vs off`. */
  readonly comparison: string;
  /** What the layer is, as the row's metric names it, e.g. `metrics`. */
  readonly name: string;
  /** The server with the layer, and the same server without it. */
  readonly on: ServerSpec;
  readonly off: ServerSpec;
  /** The layer's own code: all of its self time counts. */
  readonly isLayer: ProfileMatch;
  /** Work the layer makes others do (a grpc-js interceptor, garbage): only its growth counts. */
  readonly grows: Readonly<Record<string, ProfileMatch>>;
  /** The most of the server's CPU the layer may take (0 to 1). */
  readonly target: number;
}

/**
 * grpc-js's interceptor machinery: each interceptor adds one `ServerInterceptingCall` per call.
 * (Its built file, or its TypeScript source where a bundle's source map leads back to it.)
 */
export const isGrpcInterceptors: ProfileMatch = (url) =>
  /\/@grpc\/grpc-js\/(?:build\/src\/server-interceptors\.js|src\/server-interceptors\.ts)$/.test(
    url,
  );
/** V8's garbage collector (no script URL): what the extra objects per call cost later. */
export const isGarbageCollector: ProfileMatch = (_url, name) => name === "(garbage collector)";

/**
 * What `layer` costs per call, read from CPU profiles of the same server with and without it,
 * loaded alike (alternating rounds at `concurrency` in flight): the share of the busy time of the
 * server with the layer spent in the layer's own code, plus the growth, if any, of the shares of
 * the work it makes others do. Growth is counted, shrinkage is not: the estimate errs on the side
 * of a higher cost. Shares, unlike calls/s, do not move when the machine as a whole speeds up or
 * slows down between rounds, which on a shared 2-core machine moves calls/s by more than the few
 * percent this measures.
 */
export async function layerCostByProfile(
  context: BenchContext,
  start: StartServer,
  concurrency: number,
  scenario: string,
  layer: ProfiledLayer,
): Promise<{ readonly row: ComparisonRow; readonly notes: readonly string[] }> {
  const { mode, log, load } = context;
  const dir = await mkdtemp(join(tmpdir(), "fibchat-layer-profile-"));
  try {
    const profiled = (spec: ServerSpec, name: string): ServerSpec => ({
      ...spec,
      name: `${spec.name} (profiled)`,
      nodeArgs: [...spec.nodeArgs, "--cpu-prof", `--cpu-prof-dir=${join(dir, name)}`],
    });
    const off = await start(profiled(layer.off, "off"));
    const on = await start(profiled(layer.on, "on"));
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
    const own = selfShare(onProfile, layer.isLayer);
    const percent = (share: number) => `${(100 * share).toFixed(2)} %`;
    let cost = own;
    const grown = Object.entries(layer.grows).map(([what, matches]) => {
      const withLayer = selfShare(onProfile, matches);
      const without = selfShare(offProfile, matches);
      cost += Math.max(0, withLayer - without);
      return `${what} ${percent(withLayer)} with it and ${percent(without)} without`;
    });
    return {
      row: {
        scenario: `${scenario}: ${layer.comparison}, share of server CPU by profile`,
        metric: `% of server CPU spent on ${layer.name}`,
        better: "lower",
        fibchat: { server: layer.on.name, value: 100 * cost, rounds: [100 * cost] },
        baseline: { server: layer.off.name, value: 0, rounds: [0] },
        target: {
          description: `≤ ${100 * layer.target} % of server CPU`,
          met: cost <= layer.target,
        },
      },
      notes: [
        `${layer.comparison} by CPU profile (${concurrency} in flight, both servers under \`--cpu-prof\`): ${layer.name}'s own code is ${percent(own)} of the busy time of the server with it; ${grown.join("; ")}. Cost = its own code + the growth of the others = ${percent(cost)}.`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The one `.cpuprofile` a profiled server wrote into `dir`, read back to its sources. */
async function profileIn(dir: string): Promise<CpuProfile> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".cpuprofile"));
  const [file] = files;
  if (file === undefined || files.length > 1) {
    throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  }
  return readSourceMappedProfile(join(dir, file));
}

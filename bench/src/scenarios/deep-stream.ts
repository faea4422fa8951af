import { createAgentLoadGenerator } from "../load/agent-load.js";
import { sequenceDigits } from "../load/expected-responses.js";
import { startCpuMeter } from "../process/proc-stats.js";
import type { RunningServer } from "../process/server-process.js";
import { latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { cpuNote, measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const TARGET_SPEEDUP = 10;

/**
 * One StreamSequence(start = 0, count = deepStreamCount) read to its end, one stream at a time:
 * megabytes of decimal digits per second, end to end. Against the bare baseline (which streams a
 * cache of decimal strings it builds during an unmeasured first stream) and, with `--before`,
 * against another commit's server, whose speed-up the target is about.
 */
export const deepStreamScenario: Scenario = {
  id: "deep-stream",
  run: ({ servers, mode, log }) =>
    withServers(async (start) => {
      // Always grpc-js clients: h2load's byte check would have the harness compute and encode
      // every number of the stream first (BigInt#toString, about a minute at 100,000).
      const load = createAgentLoadGenerator("h2load's check would compute the whole stream first");
      const request = { start: 0, count: mode.deepStreamCount };
      const ours = await start(servers.fibonacci());
      const bare = await start(servers.bareFibonacci);
      const before = servers.fibonacciBefore && (await start(servers.fibonacciBefore));
      const contenders = [ours, bare, ...(before ? [before] : [])];
      const megabytes = sequenceDigits(request) / 1e6;
      const rounds = await alternate(
        contenders,
        mode.rounds,
        async (server: RunningServer, round): Promise<Round> => {
          log(`deep-stream: ${server.name}, round ${round + 1}`);
          const cpu = await startCpuMeter(server.pid);
          const result = await load.stream(server.address, {
            request,
            concurrency: 1,
            // The baseline fills its cache on its first stream; the others compute as they go.
            warmupStreams: server === bare && round === 0 ? 1 : 0,
            streams: 1,
          });
          return {
            value: result.completed === 1 ? megabytes / result.seconds : 0,
            latency: result.latency,
            cpuPercent: await cpu(),
            problems: result.problems,
          };
        },
      );
      const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
      const [mine, theirs, old] = contenders.map((server, i) =>
        measurementOf(server.name, rounds[i] ?? [], peaks[i]),
      );
      if (mine === undefined || theirs === undefined) throw new Error("no deep-stream measurement");
      const last = request.count - 1;
      const rows: ComparisonRow[] = [
        {
          scenario: `StreamSequence F(0) … F(${last}), one stream`,
          metric: "MB/s of digits",
          better: "higher",
          fibchat: mine,
          baseline: theirs,
        },
        ...(old
          ? [
              {
                scenario: `StreamSequence F(0) … F(${last}), against the --before server`,
                metric: "MB/s of digits",
                better: "higher" as const,
                fibchat: mine,
                baseline: old,
                target: {
                  description: `≥ ${TARGET_SPEEDUP}× fibchat before`,
                  met: mine.value >= TARGET_SPEEDUP * old.value,
                },
              },
            ]
          : []),
      ];
      return {
        id: "deep-stream",
        title: `Deep stream: F(0) … F(${last}) in one StreamSequence`,
        rows,
        notes: [
          `Payload: ${megabytes.toFixed(0)} MB of decimal digits in ${request.count} messages; the time is from the call to the last message, as the client reads it.`,
          "Deep numbers are computed on the server's compute threads (index ≥ --deep-index); the baseline streams strings it cached during an unmeasured first stream.",
          `Server CPU (% of one core, all threads): ${cpuNote([mine, theirs, ...(old ? [old] : [])])}.`,
          `Load: ${load.description}; ${mode.rounds} round(s) per server, alternating.`,
          ...contenders.flatMap((server, i) => problemNotes(server.name, rounds[i] ?? [])),
        ],
        chart: latencyChart(
          `F(0) … F(${last}): time to read the whole stream`,
          "ms (log scale)",
          [mine, theirs, ...(old ? [old] : [])].flatMap((m, i) =>
            m.latency ? [{ name: m.server, summary: m.latency, dashed: i > 0 }] : [],
          ),
        ),
      };
    }),
};

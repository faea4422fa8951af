import { streamResponseBytes } from "../load/expected-responses.js";
import { startCpuMeter } from "../process/proc-stats.js";
import { latencyChart } from "../report/chart-builders.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { cpuNote, measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const REQUEST = { start: 0, count: 10_000 };
const CONCURRENCY = 4;
// Issue 14 (second pass): within 0.9× of a server that does no arithmetic at all.
const TARGET_RATIO = 0.9;

/**
 * StreamSequence(start = 0, count = 10,000), four streams at a time, each read to its end:
 * messages/s and MB/s of fibchat, which computes each number as it is asked for, against the
 * bare baseline, which writes the same numbers from a precomputed cache.
 */
export const streamingScenario: Scenario = {
  id: "streaming",
  run: ({ servers, mode, load, log }) =>
    withServers(async (start) => {
      const contenders = [await start(servers.fibonacci()), await start(servers.bareFibonacci)];
      if (servers.fibonacciBefore) contenders.push(await start(servers.fibonacciBefore));
      const bytesPerStream = streamResponseBytes(REQUEST);
      const rounds = await alternate(
        contenders,
        mode.rounds,
        async (server, round): Promise<Round> => {
          log(`streaming: ${server.name}, round ${round + 1}`);
          const cpu = await startCpuMeter(server.pid);
          const result = await load.stream(server.address, {
            request: REQUEST,
            concurrency: CONCURRENCY,
            warmupStreams: CONCURRENCY,
            streams: mode.streamsPerRound,
          });
          return {
            value: (result.completed * REQUEST.count) / result.seconds,
            latency: result.latency,
            cpuPercent: await cpu(),
            problems: result.problems,
          };
        },
      );
      const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
      const [ours, theirs, before] = contenders.map((server, i) =>
        measurementOf(server.name, rounds[i] ?? [], peaks[i]),
      );
      if (ours === undefined || theirs === undefined) throw new Error("no streaming measurement");
      const megabytesPerSecond = (messages: number) =>
        ((messages / REQUEST.count) * bytesPerStream) / 1e6;
      return {
        id: "streaming",
        title: "Server streaming StreamSequence(count = 10,000)",
        rows: [
          {
            scenario: "StreamSequence(10,000), 4 streams at a time",
            metric: "messages/s",
            better: "higher",
            fibchat: ours,
            baseline: theirs,
            target: {
              description: `≥ ${TARGET_RATIO}× baseline`,
              met: ours.value >= TARGET_RATIO * theirs.value,
            },
          },
          ...(before
            ? [
                {
                  scenario: "StreamSequence(10,000), against the --before server",
                  metric: "messages/s",
                  better: "higher" as const,
                  fibchat: ours,
                  baseline: before,
                },
              ]
            : []),
        ],
        notes: [
          `Payload: ${(bytesPerStream / 1e6).toFixed(2)} MB of gRPC messages per stream; fibchat ${megabytesPerSecond(ours.value).toFixed(1)} MB/s, bare ${megabytesPerSecond(theirs.value).toFixed(1)} MB/s.`,
          `The baseline writes numbers it computed once; fibchat computes each stream's numbers as the reader asks for them (one decimal addition per number, written straight into its message), so this ratio includes that work.`,
          `Latency = time to read one whole stream. Server CPU: ${cpuNote([ours, theirs, ...(before ? [before] : [])])}.`,
          `Load: ${load.description}; ${mode.streamsPerRound} measured streams per round after ${CONCURRENCY} warm-up streams.`,
          ...problemNotes(ours.server, rounds[0] ?? []),
          ...problemNotes(theirs.server, rounds[1] ?? []),
          ...(before ? problemNotes(before.server, rounds[2] ?? []) : []),
        ],
        chart: latencyChart(
          "StreamSequence(10,000): time to read a whole stream",
          "ms (log scale)",
          [
            ...(ours.latency ? [{ name: ours.server, summary: ours.latency }] : []),
            ...(theirs.latency
              ? [{ name: theirs.server, summary: theirs.latency, dashed: true }]
              : []),
          ],
        ),
      };
    }),
};

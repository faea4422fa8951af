import type { ClientKind } from "../agents/sequence-client.js";
import { createAgentLoadGenerator } from "../load/agent-load.js";
import { latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow } from "../report/results.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const UNARY = { start: 0, count: 20 };
const UNARY_CONCURRENCY = 16;
const STREAM = { start: 0, count: 10_000 };
const STREAM_CONCURRENCY = 4;
const TARGET_RATIO = 0.95;

// The client is what is measured: the load always comes from grpc-js agents, never h2load.
const CLIENTS: readonly { readonly kind: ClientKind; readonly name: string }[] = [
  { kind: "fibchat-no-retries", name: "@fibchat/client" },
  { kind: "grpc-js", name: "generated grpc-js client" },
  { kind: "fibchat", name: "@fibchat/client, default retry policy" },
];

/**
 * The cost of `@fibchat/client` per call: the same agent drives fibchat's Fibonacci server
 * through it and through ts-proto's generated grpc-js client used bare, round by round: unary
 * GetSequence(20) at 16 in flight (calls/s), and StreamSequence(10,000) read to the end 4 at a
 * time (messages/s). The adapter is compared like for like (no retry policy on either side);
 * a second row shows what the default retry policy costs in grpc-js on top.
 */
export const clientOverheadScenario: Scenario = {
  id: "client",
  run: ({ servers, mode, log }) =>
    withServers(async (start) => {
      const server = await start(servers.fibonacci("warn"));
      const load = createAgentLoadGenerator("the client is what is measured");
      const unary = await alternate(CLIENTS, mode.rounds, async (client, round) => {
        log(`client, unary: ${client.name}, round ${round + 1}`);
        const result = await load.unary(server.address, {
          request: UNARY,
          concurrency: UNARY_CONCURRENCY,
          warmupMs: mode.warmupMs,
          durationMs: mode.roundMs,
          client: client.kind,
        });
        const measured: Round = {
          value: result.completed / result.seconds,
          latency: result.latency,
          problems: result.problems,
        };
        return measured;
      });
      const streaming = await alternate(CLIENTS, mode.rounds, async (client, round) => {
        log(`client, streaming: ${client.name}, round ${round + 1}`);
        const result = await load.stream(server.address, {
          request: STREAM,
          concurrency: STREAM_CONCURRENCY,
          warmupStreams: STREAM_CONCURRENCY,
          streams: mode.streamsPerRound,
          client: client.kind,
        });
        const measured: Round = {
          value: (result.completed * STREAM.count) / result.seconds,
          latency: result.latency,
          problems: result.problems,
        };
        return measured;
      });
      const rowsOf = (scenario: string, metric: string, rounds: Round[][]): ComparisonRow[] => {
        const [adapter, generated, withRetries] = CLIENTS.map((client, i) =>
          measurementOf(client.name, rounds[i] ?? []),
        );
        if (adapter === undefined || generated === undefined || withRetries === undefined) {
          throw new Error(`no ${scenario} rounds`);
        }
        return [
          {
            scenario,
            metric,
            better: "higher",
            fibchat: adapter,
            baseline: generated,
            target: {
              description: `≥ ${TARGET_RATIO}× the generated client`,
              met: adapter.value >= TARGET_RATIO * generated.value,
            },
          },
          { scenario, metric, better: "higher", fibchat: withRetries, baseline: generated },
        ];
      };
      const rows = [
        ...rowsOf(
          `client overhead: unary GetSequence(20), ${UNARY_CONCURRENCY} in flight`,
          "calls/s",
          unary,
        ),
        ...rowsOf(
          `client overhead: StreamSequence(10,000), ${STREAM_CONCURRENCY} streams at a time`,
          "messages/s",
          streaming,
        ),
      ];
      return {
        id: "client",
        title: "@fibchat/client against the generated grpc-js client",
        rows,
        notes: [
          "One fibchat Fibonacci server (`--log-level warn`); the load agent calls it through ts-proto's generated grpc-js client used bare (callbacks, `'data'` events), or through `@fibchat/client` (promises, async iterables with bounded read-ahead, a `FibchatError` per failure) with `retries: false`, like for like, or with its default retry policy, which makes grpc-js track every call for a possible retry.",
          ...CLIENTS.flatMap((client, i) => problemNotes(client.name, unary[i] ?? [])),
          ...CLIENTS.flatMap((client, i) => problemNotes(client.name, streaming[i] ?? [])),
        ],
        chart: latencyChart(
          "Unary GetSequence(20), 16 in flight, by client: latency by percentile",
          "latency (ms, log scale)",
          rows
            .slice(0, 1)
            .flatMap((r) =>
              [r.fibchat, r.baseline].flatMap((m, i) =>
                m.latency === undefined
                  ? []
                  : [{ name: m.server, summary: m.latency, dashed: i > 0 }],
              ),
            ),
        ),
      };
    }),
};

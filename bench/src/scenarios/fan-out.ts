import { type LatencyLine, latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow, Measurement } from "../report/results.js";
import { median } from "../stats/percentiles.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { type FanOutRound, fanOutRound, FAN_OUT_SESSIONS as SESSIONS } from "./fan-out-round.js";
import { measurementOf, problemNotes } from "./measurement.js";
import { withServers } from "./with-servers.js";

/** The rate the target is set for, and a lower one that a small machine can carry. */
const RATES = [1_000, 200] as const;
const TARGET_RATE = 1_000;
const P99_TARGET_MS = 20;
/** Time past the posting that receivers get to drain what is in flight. */
const DRAIN_GRACE_MS = 15_000;

/**
 * One poster posts at a steady rate into a room where 100 other sessions listen: delivery latency
 * (post to receipt, by wall clock across processes) and the server's CPU, at 1,000 messages/s
 * (100,000 deliveries/s, the target's load) and at 200/s. The receivers run in one client
 * process, the poster in another.
 */
export const fanOutScenario: Scenario = {
  id: "fan-out",
  run: ({ servers, mode, log }) =>
    withServers(async (start) => {
      const contenders = [
        await start(servers.chat("memory")),
        await start(servers.chat("sqlite")),
        await start(servers.bareChat),
      ];
      if (servers.chatBefore) contenders.push(await start(servers.chatBefore));
      for (const server of contenders) {
        log(`fan-out: ${server.name}, warm-up`);
        await fanOutRound(server, RATES[1], mode.warmupMs, DRAIN_GRACE_MS);
      }
      const rows: ComparisonRow[] = [];
      const notes: string[] = [];
      const lines: LatencyLine[] = [];
      for (const rate of RATES) {
        const rounds = await alternate(contenders, mode.rounds, (server, round) => {
          log(`fan-out at ${rate}/s: ${server.name}, round ${round + 1}`);
          return fanOutRound(server, rate, mode.fanOutMs, DRAIN_GRACE_MS);
        });
        const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
        const measured = contenders.map((server, i) =>
          measurementOf(server.name, rounds[i] ?? [], peaks[i]),
        );
        const [memory, sqlite, bare, before] = measured;
        if (!memory || !sqlite || !bare) throw new Error("no fan-out measurement");
        const scenario = `fan-out: 1 poster at ${rate.toLocaleString("en-US")}/s → ${SESSIONS} sessions, p99 delivery`;
        // Latency covers delivered messages only, so a round that lost some cannot meet the target.
        const allDelivered = (index: number) =>
          (rounds[index] ?? []).every(
            (round) => round.receivers.completed >= (round.receivers.counters.expected ?? 0),
          );
        const row = (fibchat: Measurement, index: number): ComparisonRow => ({
          scenario,
          metric: "ms",
          better: "lower",
          fibchat,
          baseline: bare,
          ...(rate === TARGET_RATE && {
            target: {
              description: `p99 ≤ ${P99_TARGET_MS} ms, all delivered`,
              met: fibchat.value <= P99_TARGET_MS && allDelivered(index),
            },
          }),
        });
        rows.push(row(memory, 0), row(sqlite, 1));
        if (before !== undefined) {
          rows.push({ scenario, metric: "ms", better: "lower", fibchat: memory, baseline: before });
        }
        notes.push(
          ...contenders.map((server, i) => fanOutNote(server.name, rate, rounds[i] ?? [])),
          ...contenders.flatMap((server, i) => problemNotes(server.name, rounds[i] ?? [])),
        );
        lines.push(
          ...measured.flatMap((m, i) =>
            m.latency
              ? [{ name: `${m.server}, ${rate}/s`, summary: m.latency, dashed: i >= 2 }]
              : [],
          ),
        );
      }
      notes.push(
        `Latency is from the poster writing a message to a receiver decoding it: both client processes stamp times with performance.timeOrigin + performance.now() (same machine clock). Each round lasts ${mode.fanOutMs} ms; the value is the median over rounds of each round's p99; "max" is the median of the rounds' maxima.`,
        `The ${SESSIONS} receiving sessions share one client process, each on its own HTTP/2 connection, reading with plain node:http2 and the generated decoder rather than grpc-js: grpc-js's client could not read ${(SESSIONS * TARGET_RATE).toLocaleString("en-US")} messages/s in one process on this machine and would have measured itself. The poster is a grpc-js client in a second process; with the server that is three busy processes on this machine's cores, so latency includes time waiting for a core. Server CPU above is % of one core while posting.`,
      );
      return {
        id: "fan-out",
        title: `Chat fan-out (1 poster → ${SESSIONS} sessions)`,
        rows,
        notes,
        chart: latencyChart("Fan-out: delivery latency by percentile", "ms (log scale)", lines),
      };
    }),
};

function fanOutNote(server: string, rate: number, rounds: readonly FanOutRound[]): string {
  const of = (pick: (round: FanOutRound) => number) => median(rounds.map(pick));
  const delivered = of((r) => r.receivers.completed);
  const expected = of((r) => r.receivers.counters.expected ?? 0);
  return (
    `${rate}/s, ${server}: delivered ${Math.round(delivered).toLocaleString("en-US")} of ${Math.round(expected).toLocaleString("en-US")} ` +
    `(sessions cut off: ${of((r) => r.receivers.counters.cutOff ?? 0)}); poster rate ${Math.round(of((r) => r.poster.counters.rate ?? 0))}/s; ` +
    `max ${of((r) => r.receivers.latency.max).toFixed(1)} ms; CPU: server ${Math.round(of((r) => r.cpuPercent ?? 0))}%, ` +
    `receiving process ${Math.round(of((r) => r.receivers.counters.cpuPercent ?? 0))}% (medians over rounds; the receivers' figure runs until their last message).`
  );
}

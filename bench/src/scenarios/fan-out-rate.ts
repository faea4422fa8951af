import type { RunningServer } from "../process/server-process.js";
import type { AxisTick, ChartSeries } from "../report/chart.js";
import type { ComparisonRow, Measurement } from "../report/results.js";
import { median } from "../stats/percentiles.js";
import { alternate } from "./alternate.js";
import type { BenchMode, Scenario } from "./bench-context.js";
import { deliveredAll, FAN_OUT_SESSIONS, type FanOutRound, fanOutRound } from "./fan-out-round.js";
import type { Round } from "./measurement.js";
import { measurementOf } from "./measurement.js";
import { withServers } from "./with-servers.js";

/**
 * The rates a search tries, in messages/s: fine steps where this machine's limit lies (at 200/s
 * a bare server already misses the latency bound in some rounds), coarser above.
 */
const RATES = [50, 100, 150, 200, 300, 400, 600, 800, 1_000, 1_500, 2_000, 3_000];
/** The rate each server is warmed up at. */
const WARM_UP_RATE = 200;
/** A rate passes when the p99 of delivery is at most this, and nothing is lost. */
const P99_LIMIT_MS = 50;
/**
 * How long receivers wait past the posting: a message later than this is lost, and was far past
 * the latency limit anyway.
 */
const DRAIN_GRACE_MS = 2_000;

/** One rate of a search and how it went. */
interface Step {
  readonly rate: number;
  readonly round: FanOutRound;
  readonly passed: boolean;
}

/** One search: the highest passing rate (0 when none passed) and every step it took. */
interface Search extends Round {
  readonly steps: readonly Step[];
}

/**
 * The highest posting rate into a room of 100 listening sessions that a server carries with a
 * p99 delivery latency of at most 50 ms and no message lost: each search steps the rate up
 * through {@link RATES} and stops at the first rate that fails, or at the mode's cap. Searches
 * alternate between servers round by round; the value is the median of their results. The
 * table's p50/p99 are those of the highest passing rate.
 */
export const fanOutRateScenario: Scenario = {
  id: "fan-out-rate",
  run: ({ servers, mode, log }) =>
    withServers(async (start) => {
      const contenders = [
        await start(servers.chat("memory")),
        await start(servers.chat("sqlite")),
        await start(servers.bareChat),
      ];
      if (servers.chatBefore) contenders.push(await start(servers.chatBefore));
      for (const server of contenders) {
        log(`fan-out-rate: ${server.name}, warm-up`);
        await fanOutRound(server, WARM_UP_RATE, mode.warmupMs, DRAIN_GRACE_MS);
      }
      const searches = await alternate(contenders, mode.rounds, (server, round) =>
        search(server, mode, (line) =>
          log(`fan-out-rate: ${server.name}, round ${round + 1}: ${line}`),
        ),
      );
      const peaks = await Promise.all(contenders.map((server) => server.peakRssBytes()));
      const measured = contenders.map((server, i) =>
        measurementOf(server.name, searches[i] ?? [], peaks[i]),
      );
      const [memory, sqlite, bare, before] = measured;
      if (!memory || !sqlite || !bare) throw new Error("no fan-out-rate measurement");
      const scenario = `fan-out: highest rate into ${FAN_OUT_SESSIONS} sessions with p99 ≤ ${P99_LIMIT_MS} ms and nothing lost`;
      const row = (fibchat: Measurement): ComparisonRow => ({
        scenario,
        metric: "messages/s",
        better: "higher",
        fibchat,
        baseline: bare,
        // Nothing passing on either side shows nothing: not met.
        target: {
          description: "≥ baseline's rate",
          met: fibchat.value > 0 && fibchat.value >= bare.value,
        },
      });
      const notes = [
        ...contenders.flatMap((server, i) =>
          (searches[i] ?? []).map((found, round) => searchNote(server.name, round, found, mode)),
        ),
        `Each search posts at ${triedRates(mode).join(", ")} messages/s in turn (${mode.fanOutStepMs} ms per rate) into a fresh room of ${FAN_OUT_SESSIONS} sessions and stops at the first rate where the p99 of delivery exceeds ${P99_LIMIT_MS} ms or a message is lost (not received within ${DRAIN_GRACE_MS} ms of the end of posting, or a session cut off). The value is the median over rounds of the highest rate that passed (0 if none did); searches alternate between servers. Receivers and poster are the fan-out scenario's.`,
      ];
      return {
        id: "fan-out-rate",
        title: `Fan-out: highest rate into ${FAN_OUT_SESSIONS} sessions (p99 ≤ ${P99_LIMIT_MS} ms, nothing lost)`,
        rows: [
          row(memory),
          row(sqlite),
          ...(before === undefined
            ? []
            : [
                {
                  scenario,
                  metric: "messages/s",
                  better: "higher" as const,
                  fibchat: memory,
                  baseline: before,
                },
              ]),
        ],
        notes,
        chart: {
          title: "Fan-out rate search: p99 delivery by rate (median over rounds)",
          xLabel: "messages/s into the room",
          yLabel: "p99 ms (log scale)",
          xTicks: rateTicks(searches.flat()),
          yScale: "log",
          series: contenders.map((server, i) => p99Series(server.name, searches[i] ?? [], i >= 2)),
        },
      };
    }),
};

async function search(
  server: RunningServer,
  mode: BenchMode,
  log: (line: string) => void,
): Promise<Search> {
  const steps: Step[] = [];
  let best: Step | undefined;
  for (const rate of triedRates(mode)) {
    const round = await fanOutRound(server, rate, mode.fanOutStepMs, DRAIN_GRACE_MS);
    const passed = round.value <= P99_LIMIT_MS && deliveredAll(round);
    log(`${rate}/s: p99 ${round.value.toFixed(1)} ms, ${passed ? "passed" : "failed"}`);
    const step = { rate, round, passed };
    steps.push(step);
    if (!passed) break;
    best = step;
  }
  return {
    value: best?.rate ?? 0,
    ...(best?.round.latency !== undefined && { latency: best.round.latency }),
    ...(best?.round.cpuPercent !== undefined && { cpuPercent: best.round.cpuPercent }),
    steps,
  };
}

/** The rates of {@link RATES} up to the mode's cap: at least the first. */
function triedRates(mode: BenchMode): number[] {
  const rates = RATES.filter((rate) => rate <= mode.fanOutMaxRate);
  if (rates.length === 0) {
    throw new Error(`fanOutMaxRate ${mode.fanOutMaxRate} is below the first rate, ${RATES[0]}/s`);
  }
  return rates;
}

function searchNote(server: string, round: number, found: Search, mode: BenchMode): string {
  const steps = found.steps.map(({ rate, round: r, passed }) => {
    const lost = (r.receivers.counters.expected ?? 0) - r.receivers.completed;
    return `${rate}/s ${passed ? "✓" : "✗"} p99 ${r.value.toFixed(1)} ms${lost > 0 ? `, ${lost.toLocaleString("en-US")} lost` : ""}${(r.receivers.counters.cutOff ?? 0) > 0 ? `, ${r.receivers.counters.cutOff} cut off` : ""}, server CPU ${Math.round(r.cpuPercent ?? 0)}%`;
  });
  const capped = found.steps.every((step) => step.passed)
    ? ` (no failure up to the last rate tried, ${triedRates(mode).at(-1)}/s)`
    : "";
  return `${server}, round ${round + 1}: ${found.value}/s${capped}; ${steps.join("; ")}.`;
}

function rateTicks(searches: readonly Search[]): AxisTick[] {
  const tried = new Set(searches.flatMap((s) => s.steps.map((step) => step.rate)));
  return RATES.filter((rate) => tried.has(rate)).map((rate) => ({ value: rate, label: `${rate}` }));
}

function p99Series(name: string, searches: readonly Search[], dashed: boolean): ChartSeries {
  const byRate = new Map<number, number[]>();
  for (const { steps } of searches) {
    for (const { rate, round } of steps)
      byRate.set(rate, [...(byRate.get(rate) ?? []), round.value]);
  }
  const points = [...byRate]
    .sort(([a], [b]) => a - b)
    .map(([rate, p99s]) => [rate, median(p99s)] as const);
  return { name, points, dashed };
}

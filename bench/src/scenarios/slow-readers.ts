import { randomUUID } from "node:crypto";
import { startAgent } from "../agents/start-agent.js";
import { streamResponseBytes } from "../load/expected-responses.js";
import { verifyResponses } from "../load/verify-responses.js";
import { readMemoryUse } from "../process/proc-stats.js";
import { type RssSample, sampleRss } from "../process/rss-sampler.js";
import type { ServerSpec } from "../process/server-process.js";
import { type TimeLine, timeChart } from "../report/chart-builders.js";
import type { ComparisonRow } from "../report/results.js";
import { CHAT_MAX_QUEUE } from "../servers.js";
import { median } from "../stats/percentiles.js";
import { alternate } from "./alternate.js";
import type { BenchMode, Scenario } from "./bench-context.js";
import { measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const READERS = 50;
const STREAM_COUNT = 10_000;
const CHAT_TEXT_BYTES = 1_024;
/**
 * Memory counts as bounded when it grows by less than this share of what holding every
 * undelivered message for every stalled reader would take. RSS of a garbage-collected heap
 * does not go flat on cue, so "flat" is no criterion; a server that buffers without bound
 * grows by about that whole amount.
 */
const BOUNDED_SHARE = 0.5;
/** Per-message framing and object overhead on top of a chat text, roughly. */
const CHAT_MESSAGE_OVERHEAD = 64;
const MB = 2 ** 20;

interface MemoryRound extends Round {
  readonly bounded: boolean;
  /** Bytes a server that buffered everything for the stalled readers would hold. */
  readonly unboundedBytes: number;
  readonly samples: readonly RssSample[];
  readonly cutOff: number;
  readonly served: number;
}

interface Pair {
  readonly kind: "fibonacci" | "chat";
  readonly label: string;
  readonly fibchat: () => ServerSpec;
  readonly bare: () => ServerSpec;
}

/**
 * 50 clients stop reading for the mode's stall time: StreamSequence(10,000) calls paused after
 * their first message, and chat sessions paused while a poster fills their room. Each round starts
 * a fresh server and samples its RSS; the row is the growth over the idle server, and memory is
 * "bounded" when that growth stays under half of what buffering everything would take.
 */
export const slowReadersScenario: Scenario = {
  id: "memory",
  async run({ servers, mode, log }) {
    const pairs: Pair[] = [
      {
        kind: "fibonacci",
        label: `${READERS} StreamSequence(10,000) readers stalled`,
        fibchat: () => servers.fibonacci(),
        bare: () => servers.bareFibonacci,
      },
      {
        kind: "chat",
        label: `${READERS} chat sessions stalled while a room fills`,
        fibchat: () => servers.chat("sqlite"),
        bare: () => servers.bareChat,
      },
    ];
    const rows: ComparisonRow[] = [];
    const notes: string[] = [];
    const lines: TimeLine[] = [];
    for (const pair of pairs) {
      const rounds = await alternate(
        [pair.fibchat, pair.bare],
        mode.memoryRounds,
        (spec, round) => {
          log(`memory, ${pair.kind}: ${spec().name}, round ${round + 1}`);
          return stallRound(spec(), pair.kind, mode);
        },
      );
      const [ours, theirs] = rounds.map((contender, i) => {
        const name = i === 0 ? pair.fibchat().name : pair.bare().name;
        const peak = Math.max(...contender.map((round) => round.peakRssBytes));
        return { name, contender, measurement: measurementOf(name, contender, peak) };
      });
      if (!ours || !theirs) throw new Error("no memory measurement");
      rows.push({
        scenario: pair.label,
        metric: "MB RSS growth",
        better: "lower",
        fibchat: ours.measurement,
        baseline: theirs.measurement,
        target: {
          description: `bounded: growth < ${BOUNDED_SHARE}× buffering everything (${Math.round(
            median(ours.contender.map((round) => round.unboundedBytes)) / MB,
          )} MB)`,
          met: ours.contender.every((round) => round.bounded),
        },
      });
      for (const { name, contender } of [ours, theirs]) {
        const cutOff = contender.map((round) => round.cutOff).join(", ");
        const served = contender.map((round) => round.served).join(", ");
        notes.push(
          `${pair.kind}, ${name}: growth ${contender.map((r) => `${r.value.toFixed(1)} MB`).join(", ")} of ${contender.map((r) => `${Math.round(r.unboundedBytes / MB)} MB`).join(", ")} unbounded buffering would take; readers served again after the stall: ${served}; cut off: ${cutOff}.`,
        );
        notes.push(...problemNotes(name, contender));
        const first = contender[0];
        if (first) {
          lines.push({
            name: `${pair.kind}: ${name}`,
            points: first.samples.map(([seconds, bytes]) => [seconds, bytes / MB] as const),
            dashed: name === theirs.name,
          });
        }
      }
    }
    notes.push(
      `Chat: a poster on its own connection posts ${CHAT_TEXT_BYTES}-byte messages at ${chatRate(mode)}/s during the stall, enough to pass both servers' ${CHAT_MAX_QUEUE}-message queue limit, after which stalled sessions are cut off with RESOURCE_EXHAUSTED. fibchat uses SQLite here, so stored messages do not count as memory.`,
      "Both baselines wait for 'drain' (a server that ignored write() backpressure would grow with every message written). Growth = peak VmRSS during the round − VmRSS of the idle server (after one whole stream, for Fibonacci); peak RSS = VmHWM. RSS of a garbage-collected heap keeps creeping up for a while after the buffers stop growing (a 40 s stall of fibchat's chat server levelled off at about +60 MB and then fell back), hence the share-of-unbounded criterion rather than a flatness test.",
    );
    return {
      id: "memory",
      title: `Memory while ${READERS} readers stall for ${mode.stallMs / 1000} s`,
      rows,
      notes,
      chart: timeChart("Resident memory while readers stall (first round)", "VmRSS (MB)", lines),
    };
  },
};

/**
 * Fast enough that the room passes the queue limit about a quarter into the stall, so the second
 * half shows whether memory comes back under control once the slow sessions are cut off.
 */
function chatRate(mode: BenchMode): number {
  return Math.ceil((4 * CHAT_MAX_QUEUE) / (mode.stallMs / 1000));
}

async function stallRound(
  spec: ServerSpec,
  kind: Pair["kind"],
  mode: BenchMode,
): Promise<MemoryRound & { readonly peakRssBytes: number }> {
  return withServers(async (start) => {
    const server = await start(spec);
    // One whole stream first: the baseline fills its cache of numbers, and both servers show
    // their answers are right, so the growth measured next is buffering alone.
    const wrong =
      kind === "fibonacci"
        ? await verifyResponses(server.address, { start: 0, count: STREAM_COUNT }, "stream")
        : undefined;
    const idle = (await readMemoryUse(server.pid)).rssBytes;
    const sampler = sampleRss(server.pid, 50);
    const agent = startAgent(
      "slow-readers",
      {
        target: server.address,
        kind,
        readers: READERS,
        count: STREAM_COUNT,
        room: `stall-${randomUUID().slice(0, 8)}`,
        rate: chatRate(mode),
        "text-bytes": CHAT_TEXT_BYTES,
        "pause-ms": mode.stallMs,
      },
      mode.stallMs + 90_000,
    );
    const report = await agent.report;
    const samples = sampler.stop();
    const growth = Math.max(0, ...samples.map(([, bytes]) => bytes)) - idle;
    const unboundedBytes =
      READERS *
      (kind === "fibonacci"
        ? streamResponseBytes({ start: 1, count: STREAM_COUNT - 1 })
        : (report.counters.posted ?? 0) * (CHAT_TEXT_BYTES + CHAT_MESSAGE_OVERHEAD));
    return {
      value: growth / MB,
      unboundedBytes,
      bounded: growth < BOUNDED_SHARE * unboundedBytes,
      samples,
      cutOff: report.counters.cutOff ?? 0,
      served: report.completed,
      peakRssBytes: await server.peakRssBytes(),
      problems: [
        ...(wrong === undefined ? [] : [wrong]),
        ...(report.failures > 0
          ? [`${report.failures} readers failed: ${report.firstFailure}`]
          : []),
      ],
    };
  });
}

import type { LoadGenerator } from "../load/load-generator.js";
import type { ScenarioResult } from "../report/results.js";
import type { ServerCatalog } from "../servers.js";

/** How long and how often to measure; `quick` keeps every scenario to a second or two. */
export interface BenchMode {
  readonly name: "full" | "quick";
  /** Measured rounds per server (alternating A B A B …); the median is reported. */
  readonly rounds: number;
  readonly warmupMs: number;
  /** Length of one measured unary or chat round. */
  readonly roundMs: number;
  readonly unaryConcurrency: readonly number[];
  /** StreamSequence calls per measured round. */
  readonly streamsPerRound: number;
  /** Numbers in the deep stream, F(0) … F(count − 1), read whole once per round. */
  readonly deepStreamCount: number;
  readonly fanOutMs: number;
  /** Each rate's run in the fan-out rate search (`fan-out-rate`). */
  readonly fanOutStepMs: number;
  /** The highest rate that search may try, messages/s: it stops there if nothing failed before. */
  readonly fanOutMaxRate: number;
  /** How long slow readers stop reading. */
  readonly stallMs: number;
  /** Memory rounds per server: each one starts a fresh server. */
  readonly memoryRounds: number;
  readonly startupRuns: number;
}

/** The full run behind the committed results. */
export const FULL_MODE: BenchMode = {
  name: "full",
  rounds: 3,
  warmupMs: 1_000,
  roundMs: 5_000,
  unaryConcurrency: [1, 16, 64, 128],
  streamsPerRound: 12,
  deepStreamCount: 100_000,
  fanOutMs: 10_000,
  fanOutStepMs: 3_000,
  fanOutMaxRate: 3_000,
  stallMs: 10_000,
  memoryRounds: 2,
  startupRuns: 10,
};

/** The CI run: proves the harness works, measures nothing worth comparing. */
export const QUICK_MODE: BenchMode = {
  name: "quick",
  rounds: 1,
  warmupMs: 300,
  roundMs: 1_000,
  unaryConcurrency: [1, 16, 64],
  streamsPerRound: 4,
  // Past the server's default --deep-index (20,000), so the quick run still takes the pool path.
  deepStreamCount: 30_000,
  fanOutMs: 1_500,
  fanOutStepMs: 1_000,
  fanOutMaxRate: 400,
  stallMs: 2_000,
  memoryRounds: 1,
  startupRuns: 3,
};

/** What every scenario gets. */
export interface BenchContext {
  readonly mode: BenchMode;
  readonly load: LoadGenerator;
  readonly servers: ServerCatalog;
  /** Progress for the person watching; goes to stderr. */
  log(line: string): void;
}

/** One benchmark scenario. */
export interface Scenario {
  readonly id: string;
  run(context: BenchContext): Promise<ScenarioResult>;
}

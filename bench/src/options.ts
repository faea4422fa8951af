import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type BenchMode, FULL_MODE, QUICK_MODE } from "./scenarios/bench-context.js";

/** What `node dist/main.js` was asked to do. */
export interface BenchOptions {
  readonly mode: BenchMode;
  /** Where `latest.md`, `latest.json` and the charts go. */
  readonly outDir: string;
  /** Scenario ids to run; undefined runs them all. */
  readonly only: readonly string[] | undefined;
  /** Start fibchat's servers with `--cpu-prof`, writing profiles to `<out>/profiles`. */
  readonly profile: boolean;
  /** Use the grpc-js load agent even where h2load is installed. */
  readonly h2load: boolean;
  /**
   * A built Fibonacci server of another commit (its `dist/main.js`), measured beside the current
   * one in the streaming and deep-stream scenarios: before/after in one run.
   */
  readonly before: string | undefined;
  /**
   * A built chat server of another commit (its `dist/main.js`), measured with the memory store
   * beside the current one in the chat, fan-out and fan-out-rate scenarios.
   */
  readonly beforeChat: string | undefined;
}

/** The committed results, `bench/results`: only a full run writes there unless told. */
const RESULTS_DIR = fileURLToPath(new URL("../results", import.meta.url));
/** Where a quick run writes by default: ignored by git, so it cannot replace the real results. */
const QUICK_RESULTS_DIR = fileURLToPath(new URL("../results/tmp", import.meta.url));

/** The usage text of `--help`. */
export const USAGE = `Usage: pnpm bench [--quick] [--out DIR] [--only ID,ID…] [--before JS] [--before-chat JS]
                  [--profile] [--no-h2load]

  --quick      each scenario for a second or two (CI); the numbers are not comparable
  --out DIR    where to write latest.md, latest.json and the charts
               (default bench/results, or bench/results/tmp with --quick)
  --only IDS   run only these scenarios: unary, streaming, deep-stream, client, auth, chat,
               cluster, fan-out, fan-out-rate, memory, startup
  --before JS  also measure this Fibonacci server (e.g. another commit's
               apps/fibonacci-server/dist/main.js) in streaming and deep-stream, as "fibchat before"
  --before-chat JS  also measure this chat server (another commit's
               apps/chat-server/dist/main.js, memory store) in chat, fan-out and
               fan-out-rate, as "fibchat before (memory)"
  --profile    run fibchat's servers with --cpu-prof; profiles go to DIR/profiles
  --no-h2load  generate unary and streaming load with grpc-js agents even if h2load is installed
`;

/** Parses the command line; throws with a readable message on a bad flag. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    allowNegative: true,
    options: {
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      only: { type: "string" },
      profile: { type: "boolean", default: false },
      h2load: { type: "boolean", default: true },
      before: { type: "string" },
      "before-chat": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  return {
    mode: values.quick ? QUICK_MODE : FULL_MODE,
    outDir: resolve(values.out ?? (values.quick ? QUICK_RESULTS_DIR : RESULTS_DIR)),
    only: values.only?.split(",").map((id) => id.trim()),
    profile: values.profile,
    h2load: values.h2load,
    before: values.before === undefined ? undefined : resolve(values.before),
    beforeChat: values["before-chat"] === undefined ? undefined : resolve(values["before-chat"]),
  };
}

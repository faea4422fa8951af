import { authCostScenario } from "./auth-cost.js";
import type { Scenario } from "./bench-context.js";
import { chatClusterScenario } from "./chat-cluster.js";
import { chatThroughputScenario } from "./chat-throughput.js";
import { clientOverheadScenario } from "./client-overhead.js";
import { deepStreamScenario } from "./deep-stream.js";
import { fanOutScenario } from "./fan-out.js";
import { fanOutRateScenario } from "./fan-out-rate.js";
import { slowReadersScenario } from "./slow-readers.js";
import { startupScenario } from "./startup.js";
import { streamingScenario } from "./streaming.js";
import { unaryScenario } from "./unary.js";

/** Every scenario, in the order a run goes through them. */
export const SCENARIOS: readonly Scenario[] = [
  unaryScenario,
  streamingScenario,
  deepStreamScenario,
  clientOverheadScenario,
  authCostScenario,
  chatThroughputScenario,
  chatClusterScenario,
  fanOutScenario,
  fanOutRateScenario,
  slowReadersScenario,
  startupScenario,
];

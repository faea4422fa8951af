export type { BenchContext, BenchMode, Scenario } from "./bench-context.js";
export { SCENARIOS } from "./scenarios.js";

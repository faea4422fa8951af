export { startTracingFromEnv, type TracingDefaults, type TracingSdk } from "./trace-sdk.js";

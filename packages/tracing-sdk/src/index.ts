export {
  startTracingFromEnv,
  TracingConfigError,
  type TracingDefaults,
  type TracingSdk,
  tracingStarted,
} from "./trace-sdk.js";

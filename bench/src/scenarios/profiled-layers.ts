import type { ServerCatalog } from "../servers.js";
import {
  isGarbageCollector,
  isGrpcInterceptors,
  type ProfiledLayer,
  type ProfileMatch,
} from "./layer-cost-profile.js";

/** Issue 13: serving metrics may cost at most 3 % of the server's work per call. */
const METRICS_COST_TARGET = 0.03;
/** Issue 14: the access log may cost at most 5 % (calls/s at `info` ≥ 0.95× of `warn`). */
const ACCESS_LOG_COST_TARGET = 0.05;

/**
 * fibchat's metrics (and tracing, off here): server-kit's `telemetry/` folder, built (`dist/`) or,
 * in a profile of a bundled server read through its source maps, its sources (`src/`).
 */
const isTelemetry: ProfileMatch = (url) => /\/server-kit\/(?:dist|src)\/telemetry\//.test(url);

/** pino and the packages it loads. */
const PINO_PACKAGES =
  /\/node_modules\/(?:pino|pino-std-serializers|quick-format-unescaped|safe-stable-stringify|@pinojs\/redact|sonic-boom|thread-stream|atomic-sleep|on-exit-leak-free)\//;
/** The access log: pino, fibchat's access-log interceptor, its line (fields, writer) and destination. */
const isAccessLog: ProfileMatch = (url) =>
  PINO_PACKAGES.test(url) ||
  /\/server-kit\/(?:dist|src)\/server\/(?:interceptors|access-log-line|json-line-writer|batched-log-destination)\.[jt]s$/.test(
    url,
  );
/** Native code (no script URL), such as the `write` of log lines; V8's labels excluded. */
const isNative: ProfileMatch = (url, name) => url === "" && !name.startsWith("(");
const isUnattributed: ProfileMatch = (_url, name) => name === "(program)";

/** Metrics on (`--metrics-address`) against the same server without them. */
export function metricsLayer(servers: ServerCatalog): ProfiledLayer {
  return {
    comparison: "metrics on vs off",
    name: "metrics",
    on: servers.fibonacci("warn", { metrics: true }),
    off: servers.fibonacci("warn"),
    isLayer: isTelemetry,
    grows: {
      "grpc-js's interceptor machinery (metrics add an interceptor)": isGrpcInterceptors,
      "the garbage collector": isGarbageCollector,
    },
    target: METRICS_COST_TARGET,
  };
}

/** The access log (`--log-level info`, a line per call) against the same server at `warn`. */
export function accessLogLayer(servers: ServerCatalog): ProfiledLayer {
  return {
    comparison: "log level info vs warn",
    name: "the access log",
    on: servers.fibonacci("info"),
    off: servers.fibonacci("warn"),
    isLayer: isAccessLog,
    grows: {
      "grpc-js's interceptor machinery (the access log is an interceptor)": isGrpcInterceptors,
      "the garbage collector": isGarbageCollector,
      "native code (the writes of the lines)": isNative,
      "unattributed native time, (program)": isUnattributed,
    },
    target: ACCESS_LOG_COST_TARGET,
  };
}

let started = false;

/**
 * Whether this process started the trace SDK: servers then trace their calls (the SDK's
 * registration, which the tracing interceptor's tracer comes from, is global too).
 */
export function tracingStarted(): boolean {
  return started;
}

/** The OpenTelemetry SDK of a process that exports traces. */
export interface TracingSdk {
  /** Exports the spans still buffered, then stops exporting. Never rejects. */
  shutdown(): Promise<void>;
}

/** What a process calls itself when `OTEL_SERVICE_NAME` does not say. */
export interface TracingDefaults {
  readonly serviceName: string;
  readonly serviceVersion: string;
}

/**
 * An `OTEL_*` setting fibchat cannot honour: the process should exit saying so (the servers
 * exit 2, as for a bad flag; the CLI exits with its usage code).
 */
export class TracingConfigError extends Error {
  override readonly name = "TracingConfigError";
}

/**
 * Starts the OpenTelemetry trace SDK when the standard environment variables ask for it —
 * `OTEL_TRACES_EXPORTER=otlp` (and `OTEL_SDK_DISABLED` not `true`) — and returns it; otherwise
 * does nothing and returns `undefined`. `env` decides whether and how to export; the SDK reads
 * the rest from `process.env`. Spans go out in batches over OTLP/HTTP, protobuf unless
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or `OTEL_EXPORTER_OTLP_PROTOCOL` says `http/json`, to
 * `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` (default `http://localhost:4318`); also read:
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER(_ARG)`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`. The provider, W3C trace-context propagation and
 * async context are registered globally, so this is for a process's `main`, once.
 * Rejects with a {@link TracingConfigError} for an exporter or protocol fibchat does not ship
 * (`grpc`: it would load a second copy of grpc-js).
 */
export async function startTracingFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: TracingDefaults,
): Promise<TracingSdk | undefined> {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "none")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "" && name !== "none");
  if (exporters.length === 0) return undefined;
  const unsupported = exporters.find((name) => name !== "otlp");
  if (unsupported !== undefined) {
    throw new TracingConfigError(
      `OTEL_TRACES_EXPORTER=${unsupported} is not supported: use otlp or none`,
    );
  }
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    "http/protobuf"
  ).trim();
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new TracingConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/protobuf or http/json`,
    );
  }
  // Loaded only now: the SDK and its exporters take longer to load than the rest of a server.
  const { registerOtlpProvider } = await import("./otlp-provider.js");
  const provider = registerOtlpProvider(protocol, defaults);
  started = true;
  return {
    shutdown: () => provider.shutdown().catch(() => {}),
  };
}

import { describe, expect, it } from "vitest";
import { startTracingFromEnv, TracingConfigError, tracingStarted } from "./trace-sdk.js";

const defaults = { serviceName: "test", serviceVersion: "0" };

describe("startTracingFromEnv", () => {
  it.each([
    ["no OTEL_TRACES_EXPORTER", {}],
    ["OTEL_TRACES_EXPORTER=none", { OTEL_TRACES_EXPORTER: "none" }],
    ["the SDK disabled", { OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "true" }],
  ])("starts nothing with %s", async (_name, env) => {
    expect(await startTracingFromEnv(env, defaults)).toBeUndefined();
    expect(tracingStarted()).toBe(false);
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: "jaeger" }, /OTEL_TRACES_EXPORTER=jaeger is not supported/],
    [
      { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http\/protobuf or http\/json/,
    ],
  ])("refuses %j with a TracingConfigError", async (env, message) => {
    const started = startTracingFromEnv(env, defaults);
    await expect(started).rejects.toThrow(TracingConfigError);
    await expect(started).rejects.toThrow(message);
  });
});

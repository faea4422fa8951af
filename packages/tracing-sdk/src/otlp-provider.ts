import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { TracingDefaults } from "./trace-sdk.js";

/**
 * Registers, globally, a tracer provider that batches spans to an OTLP/HTTP exporter in
 * `protocol`'s encoding, with W3C trace-context propagation and async-hooks context. The resource
 * is `defaults` overridden by `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`; the exporter
 * and the sampler read the rest of their settings from the environment themselves.
 */
export function registerOtlpProvider(
  protocol: "http/protobuf" | "http/json",
  defaults: TracingDefaults,
): NodeTracerProvider {
  const exporter = protocol === "http/json" ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        "service.name": defaults.serviceName,
        "service.version": defaults.serviceVersion,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return provider;
}

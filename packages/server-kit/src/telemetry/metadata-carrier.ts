import type { Metadata } from "@grpc/grpc-js";
import type { TextMapGetter } from "@opentelemetry/api";

/** Reads W3C trace context (`traceparent`, `tracestate`) from gRPC metadata. */
export const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get(carrier, key) {
    const values = carrier.get(key).filter((value) => typeof value === "string");
    return values.length === 0 ? undefined : values;
  },
};

import type { Metadata } from "@grpc/grpc-js";
import type { Span } from "@opentelemetry/api";

// Keyed by the call's metadata object, as the principal is (auth/principal.ts): the one object
// every interceptor and the handler of a call share.
const spans = new WeakMap<Metadata, Span>();

/** Records `span` as the SERVER span of the call whose request metadata is `metadata`. */
export function attachSpan(metadata: Metadata, span: Span): void {
  spans.set(metadata, span);
}

/** The SERVER span of a call, when the tracing interceptor made one. */
export function spanOf(metadata: Metadata): Span | undefined {
  return spans.get(metadata);
}

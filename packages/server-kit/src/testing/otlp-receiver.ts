import { once } from "node:events";
import { createServer } from "node:http";

/** A span as an OTLP/HTTP JSON export carries it, with its attributes flattened. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's numbering: 2 SERVER, 3 CLIENT. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** OTLP's numbering: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly events: readonly { readonly name: string }[];
  /** The `service.name` of the resource that sent it. */
  readonly serviceName: string;
}

/** An OTLP/HTTP trace receiver on 127.0.0.1, for tests (no collector is packaged here). */
export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`: the value of `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  /** Every span received so far. */
  spans(): readonly ReceivedSpan[];
  /** Resolves with the first span (received or to come) that matches. */
  waitFor(predicate: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan>;
  close(): Promise<void>;
}

/**
 * Starts a receiver of `POST /v1/traces` in OTLP's JSON encoding (`OTEL_EXPORTER_OTLP_PROTOCOL=
 * http/json`); it answers every export with 200.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const waiters = new Set<{
    predicate: (s: ReceivedSpan) => boolean;
    resolve: (s: ReceivedSpan) => void;
  }>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url === "/v1/traces") {
        for (const span of decodeExport(JSON.parse(Buffer.concat(chunks).toString("utf8")))) {
          received.push(span);
          for (const waiter of waiters) {
            if (!waiter.predicate(span)) continue;
            waiters.delete(waiter);
            waiter.resolve(span);
          }
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => received,
    waitFor(predicate) {
      const found = received.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function decodeExport(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of arrayAt(body, "resourceSpans")) {
    const resource = attributesOf(field(resourceSpans, "resource"));
    for (const scopeSpans of arrayAt(resourceSpans, "scopeSpans")) {
      for (const span of arrayAt(scopeSpans, "spans")) {
        spans.push({
          traceId: String(field(span, "traceId") ?? ""),
          spanId: String(field(span, "spanId") ?? ""),
          parentSpanId: String(field(span, "parentSpanId") ?? ""),
          name: String(field(span, "name") ?? ""),
          kind: Number(field(span, "kind") ?? 0),
          attributes: attributesOf(span),
          statusCode: Number(field(field(span, "status"), "code") ?? 0),
          events: arrayAt(span, "events").map((event) => ({ name: String(field(event, "name")) })),
          serviceName: String(resource["service.name"] ?? ""),
        });
      }
    }
  }
  return spans;
}

function attributesOf(holder: unknown): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const attribute of arrayAt(holder, "attributes")) {
    const value = field(attribute, "value");
    const scalar =
      field(value, "stringValue") ??
      field(value, "boolValue") ??
      field(value, "doubleValue") ??
      field(value, "intValue");
    const key = String(field(attribute, "key"));
    // OTLP/JSON writes 64-bit integers as strings or numbers; tests compare numbers.
    attributes[key] =
      field(value, "intValue") !== undefined
        ? Number(scalar)
        : typeof scalar === "boolean" || typeof scalar === "number"
          ? scalar
          : String(scalar);
  }
  return attributes;
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  const found: unknown = Reflect.get(value, key);
  return found;
}

function arrayAt(value: unknown, key: string): unknown[] {
  const found = field(value, key);
  return Array.isArray(found) ? found : [];
}

import { type ServiceDefinition, status } from "@grpc/grpc-js";
import { Counter, type Registry } from "prom-client";
import { LATENCY_BUCKETS } from "./latency-buckets.js";
import { grpcType, type MethodLabels, MethodSeries, STATUS_CODES } from "./method-series.js";

/** The name of the latency histogram, written by {@link GrpcServerMetrics.histogramText}. */
export const HANDLING_SECONDS = "grpc_server_handling_seconds";

/**
 * The label values of a call whose method was not registered through `addService`. grpc-js
 * answers calls of unknown methods with `UNIMPLEMENTED` before any interceptor runs, so this
 * only catches a service added behind the app's back; either way a caller cannot create label
 * values by inventing method names.
 */
export const UNKNOWN_METHOD: MethodLabels = {
  grpc_type: "unary",
  grpc_service: "unknown",
  grpc_method: "unknown",
};

/**
 * The standard gRPC server metrics in go-grpc-middleware's (and nice-grpc's) names and labels:
 * `grpc_server_started_total`, `grpc_server_handled_total` (with `grpc_code`, the status name),
 * `grpc_server_msg_received_total`, `grpc_server_msg_sent_total` and the
 * `grpc_server_handling_seconds` histogram (gRFC A66 buckets; bidi sessions left out).
 */
export interface GrpcServerMetrics {
  /** Creates the series of every method of `definition`, at zero. */
  addService(definition: ServiceDefinition): void;
  /** The series of a method path such as `/fibonacci.v1.FibonacciService/GetSequence`. */
  seriesOf(path: string): MethodSeries;
  /** `grpc_server_handling_seconds` in the Prometheus text format. */
  histogramText(): string;
}

/** Registers the counters on `registry`; the histogram is written by `histogramText`. */
export function createGrpcServerMetrics(registry: Registry): GrpcServerMetrics {
  const byPath = new Map<string, MethodSeries>();
  const unknown = new MethodSeries(UNKNOWN_METHOD);
  const all = () => [...byPath.values(), ...(unknown.started > 0 ? [unknown] : [])];
  const labelNames = ["grpc_type", "grpc_service", "grpc_method"] as const;

  const counter = (name: string, help: string, read: (series: MethodSeries) => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const series of all()) this.inc({ ...series.labels }, read(series));
      },
    });
  counter("grpc_server_started_total", "RPCs started on the server.", (s) => s.started);
  counter(
    "grpc_server_msg_received_total",
    "Stream messages received on the server (one per unary request).",
    (s) => s.received,
  );
  counter(
    "grpc_server_msg_sent_total",
    "Stream messages sent by the server (one per unary response).",
    (s) => s.sent,
  );
  new Counter({
    name: "grpc_server_handled_total",
    help: "RPCs completed on the server, regardless of success or failure.",
    labelNames: [...labelNames, "grpc_code"],
    registers: [registry],
    collect() {
      this.reset();
      for (const series of all()) {
        for (const code of STATUS_CODES) {
          this.inc({ ...series.labels, grpc_code: status[code] }, series.handled[code] ?? 0);
        }
      }
    },
  });

  return {
    addService(definition) {
      for (const method of Object.values(definition)) {
        const [, service = "", name = ""] = method.path.split("/");
        byPath.set(
          method.path,
          new MethodSeries({
            grpc_type: grpcType(method.requestStream, method.responseStream),
            grpc_service: service,
            grpc_method: name,
          }),
        );
      }
    },
    seriesOf(path) {
      return byPath.get(path) ?? unknown;
    },
    histogramText() {
      const lines = [
        `# HELP ${HANDLING_SECONDS} Response latency (seconds) of gRPC calls handled by the server; bidi streams are not included.`,
        `# TYPE ${HANDLING_SECONDS} histogram`,
      ];
      for (const series of all()) {
        if (!series.timed) continue;
        const labels = labelText(series.labels);
        let cumulative = 0;
        for (const [index, bound] of [...LATENCY_BUCKETS, Number.POSITIVE_INFINITY].entries()) {
          cumulative += series.buckets[index] ?? 0;
          const le = bound === Number.POSITIVE_INFINITY ? "+Inf" : String(bound);
          lines.push(`${HANDLING_SECONDS}_bucket{${labels},le="${le}"} ${cumulative}`);
        }
        lines.push(`${HANDLING_SECONDS}_sum{${labels}} ${series.secondsSum}`);
        lines.push(`${HANDLING_SECONDS}_count{${labels}} ${series.secondsCount}`);
      }
      return `${lines.join("\n")}\n`;
    },
  };
}

function labelText(labels: MethodLabels): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(",");
}

/** The text format's escaping of label values: backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

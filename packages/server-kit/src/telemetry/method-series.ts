import { status } from "@grpc/grpc-js";
import { bucketIndex, LATENCY_BUCKETS } from "./latency-buckets.js";

/** `grpc_type` as go-grpc-middleware and nice-grpc name the four kinds of method. */
export type GrpcType = "unary" | "client_stream" | "server_stream" | "bidi_stream";

/** The labels every gRPC server series carries. */
export interface MethodLabels {
  readonly grpc_type: GrpcType;
  readonly grpc_service: string;
  readonly grpc_method: string;
}

/** Every status code grpc-js knows, in numeric order: `handled[code]` counts calls ended with it. */
export const STATUS_CODES: readonly status[] = Object.values(status).filter(
  (value): value is status => typeof value === "number",
);

/**
 * The running totals of one method, as plain numbers: a call adds to them without hashing label
 * sets (prom-client's labelled `inc` and `observe` cost about 0.4 and 0.55 µs each, which on
 * fibchat's ~40 µs unary call would have been most of the 3 % budget). They are turned into
 * series only when Prometheus scrapes.
 */
export class MethodSeries {
  readonly labels: MethodLabels;
  /** Whether calls of this method go into the latency histogram (bidi sessions do not). */
  readonly timed: boolean;
  started = 0;
  received = 0;
  sent = 0;
  /** Calls ended, by status code. */
  readonly handled: number[] = STATUS_CODES.map(() => 0);
  /** Histogram counts per bucket of {@link LATENCY_BUCKETS} (not cumulative), then `+Inf`. */
  readonly buckets: number[] = [...LATENCY_BUCKETS, Number.POSITIVE_INFINITY].map(() => 0);
  secondsSum = 0;
  secondsCount = 0;

  constructor(labels: MethodLabels) {
    this.labels = labels;
    this.timed = labels.grpc_type !== "bidi_stream";
  }

  /** Records one finished call. */
  handle(code: status, seconds: number): void {
    this.handled[code] = (this.handled[code] ?? 0) + 1;
    if (!this.timed) return;
    const bucket = bucketIndex(seconds);
    this.buckets[bucket] = (this.buckets[bucket] ?? 0) + 1;
    this.secondsSum += seconds;
    this.secondsCount += 1;
  }
}

/** The {@link GrpcType} of a method from its definition's streaming flags. */
export function grpcType(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream) return responseStream ? "bidi_stream" : "client_stream";
  return responseStream ? "server_stream" : "unary";
}

/**
 * Upper bounds, in seconds, of `grpc_server_handling_seconds`: gRFC A66's latency buckets
 * (the ones gRPC's own OpenTelemetry plugins use). Prometheus's default buckets start at 5 ms,
 * above almost every fibchat unary call, so they would put all of them in one bucket.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006,
  0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25,
  0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100,
];

/** The index of the first bucket whose upper bound is ≥ `value`, or the length (`+Inf`). */
export function bucketIndex(value: number): number {
  let low = 0;
  let high = LATENCY_BUCKETS.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((LATENCY_BUCKETS[middle] ?? Number.POSITIVE_INFINITY) >= value) high = middle;
    else low = middle + 1;
  }
  return low;
}
